import Foundation
import Testing
@testable import Server

/// The PostgreSQL store across database outages, each on a cluster of its own so the restarts
/// do not disturb the tests sharing the main server.
struct PostgresOutageTests {
    @Test func storeRidesOutDatabaseRestartWithoutBeingRecreated() throws {
        let directory = "/tmp/verifier-pg-outage-\(getpid())-\(UUID().uuidString.prefix(8))"
        let url = try PostgresTestCluster.start(directory: directory)
        defer { _ = try? PostgresTestCluster.run(["stop", directory]) }
        let store = try PostgresJobStore(url: url, clock: .local(TestClock().source))
        let first = try store.submit(JobSubmission(bundle: testBundle(1))).job
        // Several idle pooled connections, all of which the restart breaks.
        try concurrently(8) { _ in try store.ping() }

        // A restart between two calls: the stale connections are noticed and replaced at once.
        try PostgresTestCluster.run(["down", directory])
        try PostgresTestCluster.run(["up", directory])
        try store.ping()
        #expect(try store.job(id: first.id) == first)

        // While the database is down, readiness fails and every call throws `unavailable`.
        try PostgresTestCluster.run(["down", directory])
        let ping = try #require(throws: PostgresError.self) { try store.ping() }
        #expect(ping.isUnavailable)
        let submit = try #require(throws: PostgresError.self) { try store.submit(JobSubmission(bundle: testBundle(2))) }
        #expect(submit.isUnavailable)
        let claim = try #require(throws: PostgresError.self) { try store.claim(owner: "w") }
        #expect(claim.isUnavailable)
        let counts = try #require(throws: PostgresError.self) { try store.counts() }
        #expect(counts.isUnavailable)

        // Back up: the same store object works again and nothing acknowledged was lost.
        try PostgresTestCluster.run(["up", directory])
        try store.ping()
        #expect(try store.submit(JobSubmission(bundle: testBundle(2))).created)
        #expect(try store.claim(owner: "w")?.id == first.id)
        #expect(try store.queueDepth() == 1)
    }

    @Test func openingStoreWhileDatabaseIsUnreachableThrowsUnavailable() throws {
        // Port 1 (tcpmux) has no listener here: the connection is refused at once.
        let error = try #require(throws: PostgresError.self) {
            try PostgresJobStore(url: "postgres://verifier@127.0.0.1:1/verifier_test")
        }
        #expect(error.isUnavailable && error.sqlstate == nil)
        #expect("\(error)".contains("Connection refused"))
    }
}
