import Foundation
import Synchronization
import Testing
import Verification
@testable import Server

/// Attempts, counts, persistence and multi-instance claiming, run over every `JobStore`.
struct JobStoreLifecycleTests {
    @Test(arguments: JobStoreFactory.all)
    func failedAttemptsRequeueUntilMaxAttemptsThenFail(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh(policy: JobLeasePolicy(maxAttempts: 3))
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        for attempt in 1...2 {
            #expect(try store.claim(owner: "w")?.attempts == attempt)
            #expect(try store.recordFailure(id: id, owner: "w", error: "fetch timed out \(attempt)") == .requeued(attempts: attempt))
            let job = try #require(try store.job(id: id))
            #expect(job.status == .queued && job.leaseOwner == nil && job.lastError == "fetch timed out \(attempt)")
        }
        // Attempt 3 = maxAttempts: its failure is final.
        #expect(try store.claim(owner: "w")?.attempts == 3)
        clock.advance(seconds: 1)
        #expect(try store.recordFailure(id: id, owner: "w", error: "fetch timed out 3") == .failed(attempts: 3))
        let job = try #require(try store.job(id: id))
        #expect(job.status == .failed && job.finishedAt == clock.now && job.lastError == "fetch timed out 3")
        #expect(try store.claim(owner: "w") == nil)
    }

    @Test(arguments: JobStoreFactory.all)
    func jobWhoseLeaseLapsesOnLastAttemptIsMarkedFailedNotReclaimed(factory: JobStoreFactory) throws {
        let (store, _, clock) = try factory.fresh(policy: JobLeasePolicy(lease: .seconds(10), maxAttempts: 2))
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        #expect(try store.claim(owner: "a")?.attempts == 1)
        clock.advance(seconds: 10)
        #expect(try store.claim(owner: "b")?.attempts == 2)
        clock.advance(seconds: 10)
        #expect(try store.claim(owner: "c") == nil)
        let job = try #require(try store.job(id: id))
        #expect(job.status == .failed && job.attempts == 2 && job.lastError == "lease expired on attempt 2 of 2")
    }

    @Test(arguments: JobStoreFactory.all)
    func maxAttemptsOfOneFailsOnFirstFailure(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh(policy: JobLeasePolicy(maxAttempts: 1))
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        _ = try store.claim(owner: "w")
        #expect(try store.recordFailure(id: id, owner: "w", error: "x") == .failed(attempts: 1))
    }

    @Test(arguments: JobStoreFactory.all)
    func countsAndQueueDepthCoverEveryState(factory: JobStoreFactory) throws {
        let (store, _, _) = try factory.fresh(policy: JobLeasePolicy(maxAttempts: 1))
        #expect(try store.counts() == [.queued: 0, .running: 0, .verified: 0, .rejected: 0, .failed: 0])
        #expect(try store.queueDepth() == 0)
        for n in 0..<6 { _ = try store.submit(JobSubmission(bundle: testBundle(n))) }
        let ids = (0..<4).compactMap { _ in try? store.claim(owner: "w")?.id }
        #expect(ids.count == 4)
        #expect(try store.complete(id: ids[0], owner: "w", verdict: .verified, report: "{}", attestation: nil, eip712: nil))
        #expect(try store.complete(id: ids[1], owner: "w", verdict: .rejected, report: "{}", attestation: nil, eip712: nil))
        #expect(try store.recordFailure(id: ids[2], owner: "w", error: "e") == .failed(attempts: 1))
        #expect(try store.counts() == [.queued: 2, .running: 1, .verified: 1, .rejected: 1, .failed: 1])
        #expect(try store.queueDepth() == 2)
    }

    @Test(arguments: JobStoreFactory.all)
    func jobsSurviveClosingAndReopening(factory: JobStoreFactory) throws {
        let backing = try factory.makeBacking()
        let clock = TestClock()
        var expected: [Job] = []
        do {
            let store = try backing.open(JobLeasePolicy(), clock)
            let a = try store.submit(JobSubmission(bundle: testBundle(1))).job
            clock.advance(seconds: 1)
            let b = try store.submit(JobSubmission(bundle: testBundle(2))).job
            _ = try store.claim(owner: "w")
            #expect(try store.complete(id: a.id, owner: "w", verdict: .verified, report: "{\"r\":1}", attestation: "{}", eip712: nil))
            expected = [try #require(try store.job(id: a.id)), b]
        }
        let reopened = try backing.open(JobLeasePolicy(), clock)
        #expect(try reopened.job(id: expected[0].id) == expected[0])
        #expect(try reopened.job(id: expected[1].id) == expected[1])
        #expect(try reopened.submit(JobSubmission(bundle: testBundle(2))).created == false)
    }

    @Test(arguments: JobStoreFactory.all)
    func twoInstancesClaimingFromManyThreadsNeverShareAJob(factory: JobStoreFactory) throws {
        let (first, backing, clock) = try factory.fresh()
        let second = try backing.open(JobLeasePolicy(), clock)
        let jobCount = 40
        for n in 0..<jobCount { _ = try first.submit(JobSubmission(bundle: testBundle(n))) }
        let claims = Mutex<[String: String]>([:])
        let duplicates = Mutex<[String]>([])
        try concurrently(16) { worker in
            let store = worker.isMultiple(of: 2) ? first : second
            let owner = "worker-\(worker)"
            while let job = try store.claim(owner: owner) {
                claims.withLock { claimed in
                    if claimed[job.id] != nil { duplicates.withLock { $0.append(job.id) } }
                    claimed[job.id] = owner
                }
                #expect(try store.complete(id: job.id, owner: owner, verdict: .verified, report: "{}", attestation: nil, eip712: nil))
            }
        }
        #expect(duplicates.withLock { $0 }.isEmpty)
        #expect(claims.withLock { $0.count } == jobCount)
        #expect(try second.counts()[.verified] == jobCount)
    }
}
