import Foundation
import Synchronization
import Testing
@testable import Server

/// The connection pool's limit and the URL's precedence over the connection defaults.
struct PostgresConnectionPoolTests {
    /// The URL of a fresh schema whose connections are tagged with a unique application name.
    static func taggedURL() throws -> (url: String, tag: String) {
        let tag = "pool-\(UUID().uuidString.prefix(8))"
        return (try PostgresTestCluster.freshSchemaURL() + "&application_name=\(tag)", tag)
    }

    /// Connections tagged `tag`, counted over an untagged connection.
    static func backends(tagged tag: String) throws -> Int64? {
        try PostgresConnection(url: try PostgresTestCluster.shared.get()).execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", [.text(tag)]).rows.first?.int64(0)
    }

    @Test func callerBeyondCapacityWaitsForAConnectionAndNoExtraOneIsOpened() throws {
        let (url, tag) = try Self.taggedURL()
        let pool = PostgresConnectionPool(url: url, capacity: 2)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let thirdEntered = Mutex<Bool>(false)
        let done = DispatchGroup()
        for index in 0..<3 {
            done.enter()
            Thread {
                defer { done.leave() }
                try? pool.withConnection { connection in
                    if index == 2 { thirdEntered.withLock { $0 = true } }
                    _ = try connection.execute("SELECT 1")
                    entered.signal()
                    release.wait()
                }
            }.start()
        }
        // Capacity N = 2: two callers hold connections at once.
        entered.wait()
        entered.wait()
        #expect(try Self.backends(tagged: tag) == 2)
        // Caller N + 1 waits instead of opening a third connection.
        Thread.sleep(forTimeInterval: 0.2)
        #expect(entered.wait(timeout: .now()) == .timedOut)
        #expect(try Self.backends(tagged: tag) == 2)
        release.signal()
        entered.wait()
        release.signal()
        release.signal()
        done.wait()
        let thirdRan = thirdEntered.withLock { $0 }
        #expect(thirdRan)
        #expect(try Self.backends(tagged: tag) == 2)
    }

    @Test func storeRefusesPoolCapacityZeroAndAcceptsOne() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        #expect(throws: JobStoreError.invalidPolicy(field: "poolCapacity", value: "0")) {
            try PostgresJobStore(url: url, poolCapacity: 0)
        }
        let store = try PostgresJobStore(url: url, poolCapacity: 1)
        try concurrently(8) { n in _ = try store.submit(JobSubmission(bundle: testBundle(n))) }
        #expect(try store.queueDepth() == 8)
    }

    @Test func urlSettingsOverrideConnectionDefaults() throws {
        let (url, tag) = try Self.taggedURL()
        let connection = try PostgresConnection(url: url)
        let name = try connection.execute("SELECT current_setting('application_name')").rows.first?.text(0)
        #expect(name == tag)
    }
}
