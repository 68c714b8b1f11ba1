import Foundation
import TestSupport
import Testing
@testable import Server

/// The checks behind /readyz, run by hand on a store the test controls.
struct ReadinessMonitorTests {
    static func monitor(probeTimeout: Duration = .seconds(5)) throws -> (ReadinessMonitor, ControlledStore) {
        let folder = try Scratch.directory("readiness").path
        let store = ControlledStore(try SQLiteJobStore(path: folder + "/jobs.sqlite"))
        let monitor = ReadinessMonitor(store: store, dataDirectory: folder, minimumFreeBytes: 0, metrics: try ServiceMetrics(),
                                       log: StderrLog(), probeTimeout: probeTimeout)
        return (monitor, store)
    }

    @Test func diskCheckPassesAtTheMinimumAndFailsOneByteBelow() {
        #expect(ReadinessMonitor.diskProblem(freeBytes: 1_000, minimumFreeBytes: 1_000) == nil)
        #expect(ReadinessMonitor.diskProblem(freeBytes: 999, minimumFreeBytes: 1_000)
            == "999 bytes free on the data folder's file system, below the minimum of 1000")
    }

    @Test func storeCheckFailsWhileTheProbeFailsAndRecovers() throws {
        let (monitor, store) = try Self.monitor()
        monitor.check()
        #expect(monitor.current == ReadinessMonitor.Snapshot())
        store.failProbes(with: JobStoreError.corruptRow(id: "*", column: "probe"))
        monitor.check()
        #expect(monitor.current.store == "the write probe failed")
        store.failProbes(with: nil)
        monitor.check()
        #expect(monitor.current.store == nil)
    }

    /// A probe that hangs in the store (a partition) fails the check once it has run past the
    /// timeout, without waiting for it to return.
    @Test func storeCheckFailsWhileAProbeHangsPastTheTimeout() throws {
        let (monitor, store) = try Self.monitor(probeTimeout: .milliseconds(50))
        monitor.check()
        store.close()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            monitor.check()
            done.signal()
        }
        store.waitForWaiting(1)
        // Monotonic clock: after this sleep the probe has certainly run longer than 50 ms.
        Thread.sleep(forTimeInterval: 0.1)
        #expect(monitor.current.store?.hasPrefix("the write probe has not answered for") == true)
        store.open()
        done.wait()
        #expect(monitor.current.store == nil)
    }
}
