import Foundation
import Testing
@testable import Server

/// The PostgreSQL store across database outages; restarts run on a cluster of their own so
/// they do not disturb the tests sharing the main server.
struct PostgresOutageTests {
    @Test func storeRidesOutDatabaseRestartWithoutBeingRecreated() throws {
        let directory = "/tmp/verifier-pg-outage-\(getpid())-\(UUID().uuidString.prefix(8))"
        let url = try PostgresTestCluster.start(directory: directory)
        defer { _ = try? PostgresTestCluster.run(["stop", directory]) }
        let clock = TestClock()
        let store = try PostgresJobStore(url: url, clock: .local(clock.source))
        let first = try store.submit(JobSubmission(bundle: testBundle(1))).job
        clock.advance(seconds: 1)
        // Several idle pooled connections, all of which the restart breaks.
        try concurrently(8) { _ in try store.probe() }

        // A restart between two calls: the stale connections are noticed and replaced at once.
        try PostgresTestCluster.run(["down", directory])
        try PostgresTestCluster.run(["up", directory])
        try store.probe()
        #expect(try store.job(id: first.id) == first)

        // While the database is down, readiness fails and every call throws `unavailable`.
        try PostgresTestCluster.run(["down", directory])
        let ping = try #require(throws: PostgresError.self) { try store.probe() }
        #expect(ping.isUnavailable)
        let submit = try #require(throws: PostgresError.self) { try store.submit(JobSubmission(bundle: testBundle(2))) }
        #expect(submit.isUnavailable)
        let claim = try #require(throws: PostgresError.self) { try store.claim(owner: "w") }
        #expect(claim.isUnavailable)
        let counts = try #require(throws: PostgresError.self) { try store.counts() }
        #expect(counts.isUnavailable)

        // Back up: the same store object works again and nothing acknowledged was lost.
        try PostgresTestCluster.run(["up", directory])
        try store.probe()
        #expect(try store.submit(JobSubmission(bundle: testBundle(2))).created)
        #expect(try store.claim(owner: "w")?.id == first.id)
        #expect(try store.queueDepth() == 1)
    }

    @Test func backendsKilledByAnAdministratorAreReplacedOnTheNextCall() throws {
        let tag = "killed-\(UUID().uuidString.prefix(8))"
        let url = try PostgresTestCluster.freshSchemaURL() + "&application_name=\(tag)"
        let store = try PostgresJobStore(url: url, clock: .local(TestClock().source))
        try concurrently(4) { n in _ = try store.submit(JobSubmission(bundle: testBundle(n))) }
        let admin = try PostgresConnection(url: try PostgresTestCluster.shared.get())
        let killed = try admin.execute("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1
            """, [.text(tag)]).rows.first?.int64(0)
        #expect(killed ?? 0 >= 1)
        // Termination is asynchronous; a call racing it would see `unavailable` once (not
        // retried, see docs/store.md). Wait until the backends are gone.
        let deadline = Date().addingTimeInterval(10)
        while try admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                                [.text(tag)]).rows.first?.int64(0) != 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        // Each pooled connection was sent 57P01 and closed; none is used again.
        #expect(try store.queueDepth() == 4)
        try concurrently(4) { _ in try store.probe() }
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
