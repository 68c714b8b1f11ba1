#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation
internal import Synchronization

/// Checks the store and the disk on a thread of its own, so `/readyz` and `/metrics` answer
/// from the latest results on the I/O threads and never wait for the store themselves.
///
/// Every `probeInterval` it commits a write to the store (`JobStore.probe`) and reads the free
/// space of the data folder's file system; every `gaugeInterval` it also refreshes the job
/// gauges. A probe still running after `probeTimeout` (5 s by default; a store that blocks,
/// e.g. a database behind a network partition) fails the store check until it returns.
final class ReadinessMonitor: Sendable {
    /// Why each check fails, nil when it passes. The texts are safe to show any client; the
    /// errors behind them go to the log.
    struct Snapshot: Sendable, Equatable {
        var store: String?
        var disk: String?
    }

    /// Time between two rounds of checks. 1 s.
    static let probeInterval = Duration.seconds(1)
    /// A store probe running longer than this fails the store check. 5 s, the PostgreSQL
    /// connect timeout and the SQLite busy timeout.
    static let defaultProbeTimeout = Duration.seconds(5)
    /// Time between two refreshes of the job gauges (`pogo_jobs`, `pogo_queue_depth`). 5 s.
    static let gaugeInterval = Duration.seconds(5)

    private struct State {
        var snapshot = Snapshot()
        var probeStartedAt: ContinuousClock.Instant?
        var gaugesRefreshedAt: ContinuousClock.Instant?
        var stopping = false
    }

    private let store: any JobStore
    private let dataDirectory: String
    private let minimumFreeBytes: Int
    private let probeTimeout: Duration
    private let metrics: ServiceMetrics
    private let log: StderrLog
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(store: any JobStore, dataDirectory: String, minimumFreeBytes: Int, metrics: ServiceMetrics, log: StderrLog,
         probeTimeout: Duration = ReadinessMonitor.defaultProbeTimeout) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.minimumFreeBytes = minimumFreeBytes
        self.probeTimeout = probeTimeout
        self.metrics = metrics
        self.log = log
    }

    /// The latest results; the store check fails while a probe has been running too long.
    var current: Snapshot {
        state.withLock { state in
            var snapshot = state.snapshot
            if let started = state.probeStartedAt {
                let elapsed = ContinuousClock.now - started
                if elapsed > probeTimeout {
                    snapshot.store = "the write probe has not answered for \(elapsed.components.seconds) s"
                }
            }
            return snapshot
        }
    }

    /// Runs one round of checks now, on the calling thread.
    func check() {
        let started = ContinuousClock.now
        let refreshGauges = state.withLock { state in
            state.probeStartedAt = started
            return state.gaugesRefreshedAt.map { started - $0 >= Self.gaugeInterval } ?? true
        }
        var snapshot = Snapshot()
        var errors: [String: String] = [:]
        do {
            try store.probe()
        } catch {
            snapshot.store = "the write probe failed"
            errors["store"] = "\(error)"
        }
        (snapshot.disk, errors["disk"]) = diskProblem()
        if refreshGauges {
            do {
                try metrics.refresh(from: store)
            } catch {
                log.event("metrics_refresh_failed", ["error": "\(error)"])
            }
        }
        let previous = state.withLock { state in
            defer {
                state.snapshot = snapshot
                state.probeStartedAt = nil
                if refreshGauges { state.gaugesRefreshedAt = started }
            }
            return state.snapshot
        }
        // Logged when a check changes, with the error behind it: not once a second while it fails.
        for (check, was, now) in [("store", previous.store, snapshot.store), ("disk", previous.disk, snapshot.disk)]
        where (was == nil) != (now == nil) {
            log.event("readiness_changed", ["check": check, "ready": String(now == nil), "reason": now ?? "-",
                                            "error": errors[check] ?? "-"])
        }
    }

    /// Checks on a thread of its own until `stop()`.
    func start() {
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopping }) {
                check()
                _ = wake.wait(timeout: .now() + Self.probeInterval / .seconds(1))
            }
        }
        thread.name = "readiness-monitor"
        thread.start()
    }

    /// Stops the checks after the current round (a probe blocked in the store is not waited for).
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
    }

    /// Why the data folder's file system is too full (and the error behind it), or nils.
    private func diskProblem() -> (String?, String?) {
        var info = statvfs()
        guard statvfs(dataDirectory, &info) == 0 else {
            return ("the free space of the data folder cannot be read", "statvfs(\(dataDirectory)): errno \(errno)")
        }
        return (Self.diskProblem(freeBytes: Int(info.f_bavail) * Int(info.f_frsize), minimumFreeBytes: minimumFreeBytes), nil)
    }

    /// Why `freeBytes` of free space are too few, or nil when at least `minimumFreeBytes`.
    static func diskProblem(freeBytes: Int, minimumFreeBytes: Int) -> String? {
        guard freeBytes < minimumFreeBytes else { return nil }
        return "\(freeBytes) bytes free on the data folder's file system, below the minimum of \(minimumFreeBytes)"
    }
}
