import Foundation
import TestSupport
import Testing
@testable import HTTPCore
@testable import Server

/// Issue 13: polls, /readyz and /metrics read the store on an I/O thread, so a blocked store
/// (PostgreSQL behind a partition: the 5 s connect timeout) stalled /healthz on that thread;
/// and /readyz answered ready while the disk was full or the database file corrupted, since it
/// only ran `SELECT 1` on a connection whose cache still held good pages.
struct StoreIsolationTests {
    /// A service on a fresh data folder whose every store is wrapped in one `ControlledStore`.
    static func service(minimumFreeBytes: Int = 0) throws -> (VerifierService, [ControlledStore]) {
        var configuration = ServiceConfiguration()
        configuration.dataDirectory = try Scratch.directory("isolation").path + "/var"
        configuration.datasetDirectory = try Scratch.directory("isolation-data").path
        configuration.modelDirectory = "/nonexistent"
        configuration.workers = 0
        configuration.minimumFreeBytes = minimumFreeBytes
        let stores = StoreList()
        let path = configuration.databasePath
        let service = try VerifierService(configuration: configuration, log: StderrLog()) { policy in
            let store = ControlledStore(try SQLiteJobStore(path: path, policy: policy))
            stores.append(store)
            return store
        }
        return (service, stores.all)
    }

    static func readiness(_ service: VerifierService) throws -> (HTTPStatus, [String: Any]) {
        let response = service.readiness()
        guard case let .bytes(body) = response.body else { return (response.status, [:]) }
        return (response.status, try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:])
    }

    @Test func readyzNamesTheStoreWhenTheDatabaseFileIsCorrupted() throws {
        let (service, _) = try Self.service()
        let (_, before) = try Self.readiness(service)
        #expect((before["checks"] as? [String: Bool])?["store"] == true)
        let path = service.configuration.databasePath
        try SQLiteConnection(path: path, busyTimeout: .seconds(1)).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let file = try #require(FileHandle(forWritingAtPath: path))
        file.write(Data(repeating: 0x5A, count: size))
        try file.close()
        service.monitor.check()
        let (status, after) = try Self.readiness(service)
        #expect(status == .serviceUnavailable)
        #expect((after["checks"] as? [String: Bool])?["store"] == false)
        #expect((after["reasons"] as? [String: String])?["store"] == "the write probe failed")
    }

    @Test func readyzNamesTheStoreWhenTheDatabaseFileIsGone() throws {
        let (service, _) = try Self.service()
        try FileManager.default.removeItem(atPath: service.configuration.databasePath)
        service.monitor.check()
        let (status, body) = try Self.readiness(service)
        #expect(status == .serviceUnavailable && (body["checks"] as? [String: Bool])?["store"] == false)
    }

    @Test func readyzNamesTheDiskWhenFreeSpaceIsBelowTheMinimum() throws {
        let (service, _) = try Self.service(minimumFreeBytes: 1 << 50)
        let (status, body) = try Self.readiness(service)
        #expect(status == .serviceUnavailable)
        #expect((body["checks"] as? [String: Bool])?["disk"] == false)
        #expect((body["reasons"] as? [String: String])?["disk"]?.hasSuffix("below the minimum of \(1 << 50)") == true)
        #expect((body["checks"] as? [String: Bool])?["store"] == true)
    }

    /// One I/O thread; the store blocks every call. A poll waits on the pool for the store, and
    /// /healthz, /readyz and /metrics on the same I/O thread are answered meanwhile. Before,
    /// the poll ran on the I/O thread and /healthz waited behind it (the socket's 5 s read
    /// timeout ends this test then, with nothing read).
    @Test func healthzReadyzAndMetricsAnswerWhileTheStoreBlocks() throws {
        let (service, stores) = try Self.service()
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, ioThreads: 1, workerThreads: 2)
        let server = HTTPServer(configuration: configuration, router: service.router()) { _ in }
        let port = try server.start()
        defer {
            for store in stores { store.open() }
            server.shutdown()
            server.wait()
        }
        for store in stores { store.close() }
        let poll = try LineSocket(port: port)
        poll.send("GET /v1/pogo/bundles/\(String(repeating: "a", count: 64)) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let readStore = try #require(stores.first { $0 === service.readStore as? ControlledStore })
        readStore.waitForWaiting(1)
        for path in ["/healthz", "/readyz", "/metrics"] {
            let socket = try LineSocket(port: port)
            socket.send("GET \(path) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let response = socket.readToEnd()
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n") || (path == "/readyz" && response.hasPrefix("HTTP/1.1 503 ")),
                    "\(path): \(response.prefix(80).debugDescription)")
        }
        for store in stores { store.open() }
        #expect(poll.readToEnd().hasPrefix("HTTP/1.1 404 "))
    }
}

/// Stores collected as the service opens them.
final class StoreList: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [ControlledStore] = []
    func append(_ store: ControlledStore) { lock.lock(); stores.append(store); lock.unlock() }
    var all: [ControlledStore] { lock.lock(); defer { lock.unlock() }; return stores }
}
