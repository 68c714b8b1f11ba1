import Foundation
import Synchronization
import Testing
import Verification
@testable import Server

/// The behaviour every `JobStore` must have, run over each implementation in `JobStoreFactory.all`.
struct JobStoreConformanceTests {
    @Test(arguments: JobStoreFactory.all)
    func submitCreatesQueuedJobNamedByCommitmentWithRecordedBeacon(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let bytes = testBundle(1)
        let submission = try JobSubmission(bundle: bytes)
        let result = try store.submit(submission)
        #expect(result.disposition == .created)
        let job = result.job
        #expect(job.id == submission.commitment.hex)
        #expect(job.commitment == submission.commitment && job.runKey == submission.runKey)
        #expect(job.digest == SHA256.hash(bytes))
        #expect(job.bundle == bytes)
        #expect(job.beacon == submission.beacon && job.beacon.source == .verifier)
        #expect(job.status == .queued && job.attempts == 0)
        #expect(job.createdAt == clock.now && job.updatedAt == clock.now)
        #expect(job.startedAt == nil && job.finishedAt == nil && job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(try store.job(id: job.id) == job)
        #expect(try store.equivocations(jobID: job.id, limit: 10) == EquivocationPage(entries: [], total: 0))
    }

    @Test(arguments: JobStoreFactory.all)
    func resubmittingSameBytesReturnsExistingJobUnchanged(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let first = try store.submit(JobSubmission(bundle: testBundle(1), beacon: [UInt8](repeating: 1, count: 32)))
        clock.advance(seconds: 5)
        let second = try store.submit(JobSubmission(bundle: testBundle(1), beacon: [UInt8](repeating: 2, count: 32)))
        #expect(second.disposition == .sameCommitment)
        #expect(second.job == first.job)
        #expect(second.job.beacon == ChallengeBeacon(Digest(bytes: [UInt8](repeating: 1, count: 32)), source: .caller))
        #expect(try store.counts()[.queued] == 1)
    }

    @Test(arguments: JobStoreFactory.all)
    func anotherEncodingOfTheCommitmentReturnsTheFirstJobUnchanged(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let first = try store.submit(JobSubmission(bundle: testBundle(1), run: "r", commitment: "c"))
        clock.advance(seconds: 5)
        let again = try store.submit(JobSubmission(bundle: testBundle(1) + [0x20], run: "r", commitment: "c"))
        #expect(again.disposition == .sameCommitment)
        #expect(again.job == first.job && again.job.digest == SHA256.hash(testBundle(1)))
        #expect(try store.equivocations(jobID: first.job.id, limit: 10).total == 0)
    }

    @Test(arguments: JobStoreFactory.all)
    func secondCommitmentForARunIsRefusedAndKeptAsEvidence(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let first = try store.submit(JobSubmission(bundle: testBundle(1), run: "r", commitment: "c1")).job
        clock.advance(seconds: 5)
        let other = try JobSubmission(bundle: testBundle(2), run: "r", commitment: "c2")
        let refused = try store.submit(other)
        #expect(refused.disposition == .otherCommitment)
        #expect(refused.job == first)
        clock.advance(seconds: 1)
        // The same refused commitment again is one piece of evidence, not two.
        #expect(try store.submit(other).disposition == .otherCommitment)
        let third = try JobSubmission(bundle: testBundle(3), run: "r", commitment: "c3")
        #expect(try store.submit(third).disposition == .otherCommitment)
        let evidence = try store.equivocations(jobID: first.id, limit: 10)
        #expect(evidence.total == 2)
        #expect(evidence.entries == [
            Equivocation(commitment: third.commitment, digest: third.digest, submittedAt: clock.now),
            Equivocation(commitment: other.commitment, digest: other.digest, submittedAt: clock.now.addingTimeInterval(-1)),
        ])
        #expect(try store.equivocations(jobID: first.id, limit: 1).entries.count == 1)
        #expect(try store.counts().values.reduce(0, +) == 1)
        #expect(try store.job(id: other.id) == nil)
    }

    @Test(arguments: JobStoreFactory.all)
    func emptyBundleIsStoredAsEmptyBytesNotMissing(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        let job = try store.submit(JobSubmission(bundle: [])).job
        #expect(job.bundle == [] && job.digest == SHA256.hash([]))
    }

    @Test(arguments: JobStoreFactory.all)
    func concurrentSubmittersOfOneCommitmentGetExactlyOneJob(factory: JobStoreFactory) throws {
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
    func concurrentDifferentCommitmentsOfOneRunGetOneJobAndTheRestAsEvidence(factory: JobStoreFactory) throws {
        let (store, backing, clock) = try factory.fresh()
        let other = try backing.open(JobLeasePolicy(), clock)
        let results = Mutex<[SubmitResult]>([])
        try concurrently(32) { index in
            let submission = try JobSubmission(bundle: testBundle(index), run: "one run", commitment: "c\(index % 8)")
            let result = try (index.isMultiple(of: 2) ? store : other).submit(submission)
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        #expect(all.filter(\.created).count == 1)
        #expect(Set(all.map(\.job.id)).count == 1)
        let winner = try #require(all.first(where: \.created)?.job)
        // Of the 8 commitments, the winner's 4 submissions are one job; the other 7 are evidence.
        #expect(all.filter { $0.disposition == .sameCommitment }.count == 3)
        #expect(try store.equivocations(jobID: winner.id, limit: 100).total == 7)
        #expect(try store.counts().values.reduce(0, +) == 1)
    }

    @Test(arguments: JobStoreFactory.all)
    func unknownIdReadsAsNil(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        #expect(try store.job(id: SHA256.hash([9]).hex) == nil)
        try store.probe()
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
        #expect(try store.complete(id: id, owner: "a", verdict: .verified, report: "{}", attestation: nil, eip712: nil) == false)
    }

    @Test(arguments: JobStoreFactory.all)
    func completeByOwnerRecordsVerdictReportAttestationAndReleasesLease(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "a")
        clock.advance(seconds: 3)
        #expect(try store.complete(id: id, owner: "a", verdict: .rejected, report: #"{"ok":false}"#, attestation: #"{"payload":"x"}"#,
                                   eip712: #"{"signature":"0x"}"#))
        let job = try #require(try store.job(id: id))
        #expect(job.status == .rejected && job.report == #"{"ok":false}"# && job.attestation == #"{"payload":"x"}"#)
        #expect(job.eip712 == #"{"signature":"0x"}"#)
        #expect(job.finishedAt == clock.now && job.leaseOwner == nil && job.leaseExpiresAt == nil)
        #expect(try store.complete(id: id, owner: "a", verdict: .verified, report: "{}", attestation: nil, eip712: nil) == false)
        #expect(try store.claim(owner: "b") == nil)
    }

    @Test(arguments: JobStoreFactory.all)
    func completeByNonOwnerIsRefusedAndChangesNothing(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh()
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        let claimed = try store.claim(owner: "a")
        #expect(try store.complete(id: id, owner: "b", verdict: .verified, report: "{}", attestation: "{}", eip712: nil) == false)
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
        #expect(try store.complete(id: id, owner: "dead", verdict: .verified, report: "{}", attestation: nil, eip712: nil) == false)
        #expect(try store.complete(id: id, owner: "b", verdict: .verified, report: "{}", attestation: nil, eip712: nil))
    }
}
