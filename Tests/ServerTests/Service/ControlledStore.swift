import Foundation
@testable import Server

/// A job store that passes every call to `base` unless the test says otherwise: while closed,
/// every call waits (a database behind a partition); with `probeError` set, probes fail.
final class ControlledStore: JobStore, @unchecked Sendable {
    let base: any JobStore
    private let condition = NSCondition()
    private var closed = false
    private var failure: (any Error)?
    /// Calls waiting at the gate right now.
    private(set) var waiting = 0

    init(_ base: any JobStore) { self.base = base }

    var policy: JobLeasePolicy { base.policy }

    /// Makes every call wait until `open()`.
    func close() { condition.lock(); closed = true; condition.unlock() }

    func open() { condition.lock(); closed = false; condition.broadcast(); condition.unlock() }

    /// Makes probes throw `error` (nil: pass them on again).
    func failProbes(with error: (any Error)?) { condition.lock(); failure = error; condition.unlock() }

    /// Waits until `count` calls are held at the gate.
    func waitForWaiting(_ count: Int) {
        condition.lock()
        while waiting < count { condition.wait() }
        condition.unlock()
    }

    private func gate() {
        condition.lock()
        waiting += 1
        condition.broadcast()
        while closed { condition.wait() }
        waiting -= 1
        condition.unlock()
    }

    func submit(_ submission: JobSubmission) throws -> SubmitResult { gate(); return try base.submit(submission) }
    func equivocations(jobID: String, limit: Int) throws -> EquivocationPage { gate(); return try base.equivocations(jobID: jobID, limit: limit) }
    func job(id: String) throws -> Job? { gate(); return try base.job(id: id) }
    func claim(owner: String) throws -> Job? { gate(); return try base.claim(owner: owner) }
    func renew(id: String, owner: String) throws -> Bool { gate(); return try base.renew(id: id, owner: owner) }
    func complete(id: String, owner: String, verdict: JobVerdict, report: String, attestation: String?,
                  eip712: String?) throws -> Bool {
        gate()
        return try base.complete(id: id, owner: owner, verdict: verdict, report: report, attestation: attestation, eip712: eip712)
    }
    func recordFailure(id: String, owner: String, error: String) throws -> FailureDisposition {
        gate()
        return try base.recordFailure(id: id, owner: owner, error: error)
    }
    func counts() throws -> [JobStatus: Int] { gate(); return try base.counts() }
    func queueDepth() throws -> Int { gate(); return try base.queueDepth() }
    func probe() throws {
        gate()
        condition.lock()
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        try base.probe()
    }
}
