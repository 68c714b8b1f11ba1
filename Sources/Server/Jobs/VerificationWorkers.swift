internal import Foundation
internal import Synchronization
internal import Verification

/// Threads that claim PoGO jobs from the store under a lease, keep the lease alive while they
/// verify, and record the verdict (with its signed attestation) or the failure.
///
/// They are not the HTTP pool's threads, so polls are answered while every worker is busy.
/// Nothing is kept in memory: a job whose worker dies is claimed again once its lease lapses.
final class VerificationWorkers: Sendable {
    let count: Int
    private let store: any JobStore
    private let verifier: PoGOVerifier
    private let keys: ServiceKeys
    private let log: StderrLog
    private let metrics: ServiceMetrics
    private let lease: Duration
    private let pollInterval: Duration
    private let startDelay: Duration
    private let stopping = Atomic<Bool>(false)
    private let alive = Atomic<Int>(0)
    private let finished = DispatchGroup()

    init(count: Int, store: any JobStore, verifier: PoGOVerifier, keys: ServiceKeys, log: StderrLog,
         metrics: ServiceMetrics, lease: Duration, pollInterval: Duration, startDelay: Duration) {
        self.count = count
        self.store = store
        self.verifier = verifier
        self.keys = keys
        self.log = log
        self.metrics = metrics
        self.lease = lease
        self.pollInterval = pollInterval
        self.startDelay = startDelay
    }

    /// True while every configured worker thread is running.
    var allRunning: Bool { alive.load(ordering: .relaxed) == count }

    /// Starts the threads; each owner name is unique: host, process id, worker index.
    func start() {
        let prefix = ProcessInfo.processInfo.hostName + "/" + String(getpid())
        for index in 0..<count {
            finished.enter()
            alive.add(1, ordering: .relaxed)
            let thread = Thread { [self] in
                loop(owner: prefix + "/w" + String(index))
                alive.subtract(1, ordering: .relaxed)
                finished.leave()
            }
            thread.name = "pogo-worker-\(index)"
            thread.start()
        }
        log.event("workers_started", ["count": String(count)])
    }

    /// Asks the workers to stop after their current job and waits up to `timeout` for them;
    /// a job still running then is left to its lease.
    func stop(waitingAtMost timeout: Duration) {
        stopping.store(true, ordering: .relaxed)
        let done = finished.wait(timeout: .now() + timeout / .seconds(1)) == .success
        log.event("workers_stopped", ["all_idle": String(done)])
    }

    private func loop(owner: String) {
        while !stopping.load(ordering: .relaxed) {
            let claimed: Job?
            do {
                claimed = try store.claim(owner: owner)
            } catch {
                log.event("claim_failed", ["owner": owner, "error": "\(error)"])
                claimed = nil
            }
            guard let job = claimed else {
                Thread.sleep(forTimeInterval: pollInterval / .seconds(1))
                continue
            }
            process(job, owner: owner)
        }
    }

    private func process(_ job: Job, owner: String) {
        log.event("job_claimed", ["job": job.id, "owner": owner, "attempt": String(job.attempts)])
        let heartbeat = LeaseHeartbeat(store: store, jobID: job.id, owner: owner, interval: lease / 3, log: log)
        defer { heartbeat.cancel() }
        if startDelay > .zero { Thread.sleep(forTimeInterval: startDelay / .seconds(1)) }
        let start = ContinuousClock.now
        let outcome = JobOutcome.of(job, verifier: verifier, keys: keys)
        metrics.verificationDuration.observe((ContinuousClock.now - start) / .seconds(1))
        do {
            switch outcome {
            case let .verdict(verdict, report, attestation, eip712):
                let recorded = try store.complete(id: job.id, owner: owner, verdict: verdict, report: report,
                                                  attestation: attestation, eip712: eip712)
                log.event(recorded ? "job_finished" : "job_lease_lost", ["job": job.id, "status": verdict.rawValue])
            case let .failure(reason):
                let disposition = try store.recordFailure(id: job.id, owner: owner, error: reason)
                log.event("job_attempt_failed", ["job": job.id, "error": reason, "disposition": "\(disposition)"])
            }
        } catch {
            log.event("store_failed", ["operation": "finish", "job": job.id, "error": "\(error)"])
        }
    }
}
