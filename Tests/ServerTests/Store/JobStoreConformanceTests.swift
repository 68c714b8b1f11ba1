import Foundation
import Synchronization
import Testing
import Verification
@testable import Server

/// The behaviour every `JobStore` must have, run over each implementation in `JobStoreFactory.all`.
struct JobStoreConformanceTests {
    @Test(arguments: JobStoreFactory.all)
    func submitCreatesQueuedJobNamedByDigestWithRecordedBeacon(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let bytes = testBundle(1)
        let result = try store.submit(JobSubmission(bundle: bytes))
        #expect(result.created)
        let job = result.job
        #expect(job.id == SHA256.hash(bytes).hex)
        #expect(job.digest == SHA256.hash(bytes))
        #expect(job.bundle == bytes && job.bundleLocation == nil)
        #expect(job.beacon.count == 32)
        #expect(job.status == .queued && job.attempts == 0)
        #expect(job.createdAt == clock.now && job.updatedAt == clock.now)
        #expect(job.startedAt == nil && job.finishedAt == nil && job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(try store.job(id: job.id) == job)
    }

    @Test(arguments: JobStoreFactory.all)
    func resubmittingSameBytesReturnsExistingJobUnchanged(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let first = try store.submit(JobSubmission(bundle: testBundle(1), beacon: [UInt8](repeating: 1, count: 32)))
        clock.advance(seconds: 5)
        let second = try store.submit(JobSubmission(bundle: testBundle(1), beacon: [UInt8](repeating: 2, count: 32)))
        #expect(!second.created)
        #expect(second.job == first.job)
        #expect(second.job.beacon == [UInt8](repeating: 1, count: 32))
        #expect(try store.counts()[.queued] == 1)
    }

    @Test(arguments: JobStoreFactory.all)
    func submissionByLocationKeepsLocationAndDigest(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        let digest = SHA256.hash(testBundle(7))
        let job = try store.submit(JobSubmission(location: "https://example.org/b.pogo", digest: digest)).job
        #expect(job.id == digest.hex && job.bundle == nil && job.bundleLocation == "https://example.org/b.pogo")
    }

    @Test(arguments: JobStoreFactory.all)
    func emptyBundleIsStoredAsEmptyBytesNotMissing(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        let job = try store.submit(JobSubmission(bundle: [])).job
        #expect(job.bundle == [] && job.id == SHA256.hash([]).hex)
    }

    @Test(arguments: JobStoreFactory.all)
    func concurrentSubmittersOfOneDigestGetExactlyOneJob(factory: JobStoreFactory) throws {
        let (store, backing, clock) = try factory.fresh()
        let other = try backing.open(JobLeasePolicy(), clock)
        let results = Mutex<[SubmitResult]>([])
        try concurrently(64) { index in
            let result = try (index.isMultiple(of: 2) ? store : other).submit(JobSubmission(bundle: testBundle(42)))
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 64)
        #expect(all.filter(\.created).count == 1)
        #expect(Set(all.map(\.job.beacon)).count == 1)
        #expect(try store.counts().values.reduce(0, +) == 1)
    }

    @Test(arguments: JobStoreFactory.all)
    func unknownIdReadsAsNil(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        #expect(try store.job(id: SHA256.hash([9]).hex) == nil)
        try store.ping()
    }

    @Test(arguments: JobStoreFactory.all)
    func claimTakesOldestQueuedJobUnderLeaseAndCountsAttempt(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let older = try store.submit(JobSubmission(bundle: testBundle(1))).job
        clock.advance(seconds: 1)
        _ = try store.submit(JobSubmission(bundle: testBundle(2)))
        let claimed = try #require(try store.claim(owner: "worker-a"))
        #expect(claimed.id == older.id)
        #expect(claimed.status == .running && claimed.attempts == 1 && claimed.leaseOwner == "worker-a")
        #expect(claimed.startedAt == clock.now)
        #expect(claimed.leaseExpiresAt == clock.now.addingTimeInterval(30))
        #expect(claimed.beacon == older.beacon)
    }

    @Test(arguments: JobStoreFactory.all)
    func claimReturnsNilWhenNothingIsClaimable(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        #expect(try store.claim(owner: "w") == nil)
        _ = try store.submit(JobSubmission(bundle: testBundle(1)))
        #expect(try store.claim(owner: "w") != nil)
        #expect(try store.claim(owner: "w") == nil)
    }

    @Test(arguments: JobStoreFactory.all)
    func renewExtendsLeaseOnlyForItsOwner(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "a")
        clock.advance(seconds: 20)
        #expect(try store.renew(id: id, owner: "b") == false)
        #expect(try store.renew(id: id, owner: "a"))
        #expect(try store.job(id: id)?.leaseExpiresAt == clock.now.addingTimeInterval(30))
        clock.advance(seconds: 20)
        // 40 s after the claim: only the renewal keeps the lease alive.
        #expect(try store.claim(owner: "b") == nil)
        #expect(try store.job(id: id)?.leaseOwner == "a")
    }

    @Test(arguments: JobStoreFactory.all)
    func leaseIsHeldUntilOneMillisecondBeforeExpiryAndNotAtIt(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "a")
        clock.advance(seconds: 29.999)
        #expect(try store.renew(id: id, owner: "a"))
        clock.advance(seconds: 30)
        #expect(try store.renew(id: id, owner: "a") == false)
        #expect(try store.complete(id: id, owner: "a", verdict: .verified, report: "{}", attestation: nil) == false)
    }

    @Test(arguments: JobStoreFactory.all)
    func completeByOwnerRecordsVerdictReportAttestationAndReleasesLease(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "a")
        clock.advance(seconds: 3)
        #expect(try store.complete(id: id, owner: "a", verdict: .rejected, report: #"{"ok":false}"#, attestation: #"{"payload":"x"}"#))
        let job = try #require(try store.job(id: id))
        #expect(job.status == .rejected && job.report == #"{"ok":false}"# && job.attestation == #"{"payload":"x"}"#)
        #expect(job.finishedAt == clock.now && job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(try store.complete(id: id, owner: "a", verdict: .verified, report: "{}", attestation: nil) == false)
        #expect(try store.claim(owner: "b") == nil)
    }

    @Test(arguments: JobStoreFactory.all)
    func completeByNonOwnerIsRefusedAndChangesNothing(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        let claimed = try store.claim(owner: "a")
        #expect(try store.complete(id: id, owner: "b", verdict: .verified, report: "{}", attestation: "{}") == false)
        #expect(try store.job(id: id) == claimed)
        #expect(try store.recordFailure(id: id, owner: "b", error: "boom") == .leaseNotHeld)
        #expect(try store.job(id: id) == claimed)
    }

    @Test(arguments: JobStoreFactory.all)
    func jobOfDeadWorkerIsReclaimedAfterLeaseExpiry(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "dead")
        clock.advance(seconds: 29)
        #expect(try store.claim(owner: "b") == nil)
        clock.advance(seconds: 1)
        let reclaimed = try #require(try store.claim(owner: "b"))
        #expect(reclaimed.id == id && reclaimed.leaseOwner == "b" && reclaimed.attempts == 2)
        #expect(try store.complete(id: id, owner: "dead", verdict: .verified, report: "{}", attestation: nil) == false)
        #expect(try store.complete(id: id, owner: "b", verdict: .verified, report: "{}", attestation: nil))
    }
}
