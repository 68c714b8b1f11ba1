import Foundation
import Synchronization
import Testing
import Verification
@testable import Server

/// What only the PostgreSQL store has: replicas racing, migrations, binary safety, SQLSTATE errors.
struct PostgresJobStoreTests {
    static func store(_ url: String, clock: TestClock = TestClock(), policy: JobLeasePolicy = JobLeasePolicy()) throws -> PostgresJobStore {
        try PostgresJobStore(url: url, policy: policy, clock: .local(clock.source))
    }

    static func scalar(_ url: String, _ sql: String) throws -> Int64? {
        try PostgresConnection(url: url).execute(sql).rows.first?.int64(0)
    }

    @Test func fourReplicasClaimingFromThirtyTwoThreadsNeverShareAJob() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let clock = TestClock()
        let replicas = try (0..<4).map { _ in try Self.store(url, clock: clock) }
        let jobCount = 200
        for n in 0..<jobCount { _ = try replicas[n % 4].submit(JobSubmission(bundle: testBundle(n))) }
        let owners = Mutex<[String: [String]]>([:])
        try concurrently(32) { worker in
            let store = replicas[worker % 4]
            let owner = "replica-\(worker % 4)/thread-\(worker)"
            while let job = try store.claim(owner: owner) {
                owners.withLock { $0[job.id, default: []].append(owner) }
                #expect(try store.complete(id: job.id, owner: owner, verdict: .verified, report: "{}", attestation: nil, eip712: nil))
            }
        }
        let claimed = owners.withLock { $0 }
        #expect(claimed.count == jobCount)
        #expect(claimed.values.allSatisfy { $0.count == 1 })
        #expect(try replicas[0].counts() == [.queued: 0, .running: 0, .verified: jobCount, .rejected: 0, .failed: 0])
    }

    @Test func racingSubmittersOnThreeReplicasCreateOneJobPerDigest() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let replicas = try (0..<3).map { _ in try Self.store(url) }
        let created = Mutex<[String: Int]>([:])
        // 8 digests, 12 submitters each, spread over the replicas.
        try concurrently(96) { index in
            let result = try replicas[index % 3].submit(JobSubmission(bundle: testBundle(index % 8)))
            created.withLock { $0[result.job.id, default: 0] += result.created ? 1 : 0 }
        }
        #expect(created.withLock { $0 }.count == 8)
        #expect(created.withLock { $0 }.values.allSatisfy { $0 == 1 })
        #expect(try Self.scalar(url, "SELECT count(*) FROM jobs") == 8)
    }

    @Test func eightStoresOpeningOneFreshSchemaAtOnceMigrateItOnce() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        try concurrently(8) { _ in _ = try Self.store(url) }
        let latest = PostgresMigrator.jobStoreMigrations.count
        #expect(try Self.scalar(url, "SELECT count(*) FROM schema_migrations") == Int64(latest))
        #expect(try Self.store(url).schemaVersion() == latest)
    }

    @Test func refusesDatabaseMigratedByNewerBuild() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        _ = try Self.store(url)
        try PostgresConnection(url: url).execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        #expect(throws: JobStoreError.schemaTooNew(found: 99, supported: PostgresMigrator.jobStoreMigrations.count)) { try Self.store(url) }
    }

    @Test func failingMigrationStepRollsBackEntirely() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let broken = PostgresMigrator.jobStoreMigrations + [
            PostgresMigration(version: PostgresMigrator.jobStoreMigrations.count + 1, sql: "CREATE TABLE extra (x integer); THIS IS NOT SQL;"),
        ]
        let error = try #require(throws: PostgresError.self) {
            try PostgresJobStore(url: url, migrations: broken, clock: .local { Date() })
        }
        #expect(error.sqlstate == "42601") // syntax_error
        #expect(try Self.scalar(url, "SELECT max(version) FROM schema_migrations") == Int64(PostgresMigrator.jobStoreMigrations.count))
        #expect(try Self.scalar(url, "SELECT count(*) FROM pg_tables WHERE tablename = 'extra'") == 0)
    }

    @Test func migrationBindsOldJobsToTheirRunsAndRecordsOldEquivocations() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let first = parseableBundle(run: 1), other = parseableBundle(run: 1, loss: "1.25"), junk: [UInt8] = [1, 2, 3]
        do {
            let old = try PostgresConnection(url: url)
            try PostgresMigrator.migrate(old, migrations: Array(PostgresMigrator.jobStoreMigrations.prefix(1)), appliedAt: 0)
            for (n, bytes) in [first, other, junk].enumerated() {
                try old.execute("""
                    INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'queued', $5, $5)
                    """, [.text(SHA256.hash(bytes).hex), .bytes(SHA256.hash(bytes).bytes), .bytes(bytes),
                          .bytes([UInt8](repeating: 9, count: 32)), .int64(Int64(1000 * (n + 1)))])
            }
        }
        let store = try Self.store(url)
        let parsed = try [first, other].map { try ProofBundle(bytes: $0) }
        let jobs = try [first, other, junk].map { try #require(try store.job(id: SHA256.hash($0).hex)) }
        #expect(jobs.map(\.commitment) == [parsed[0].commitmentDigest, parsed[1].commitmentDigest, nil])
        #expect(jobs.map(\.runKey) == [parsed[0].runKey, nil, nil])
        #expect(jobs.allSatisfy { $0.beacon.source == .caller })
        #expect(try store.equivocations(jobID: jobs[0].id, limit: 10).entries.map(\.commitment) == [parsed[1].commitmentDigest])
        #expect(try store.submit(JobSubmission(bundle: first + [0x0A], parsed: parsed[0])).job == jobs[0])
    }

    @Test func jobFinishedBeforeVersionFourKeepsItsEnvelopeAndHasNoEIP712Signature() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let digest = SHA256.hash([4, 5, 6])
        do {
            let old = try PostgresConnection(url: url)
            try PostgresMigrator.migrate(old, migrations: Array(PostgresMigrator.jobStoreMigrations.prefix(3)), appliedAt: 0)
            try old.execute("""
                INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at, finished_at, report, attestation)
                VALUES ($1, $2, $3, $4, 'verified', 1000, 2000, 2000, '{"verdict":"positive"}', '{"payload":"x"}')
                """, [.text(digest.hex), .bytes(digest.bytes), .bytes([4, 5, 6]), .bytes([UInt8](repeating: 9, count: 32))])
        }
        let job = try #require(try Self.store(url).job(id: digest.hex))
        #expect(job.status == .verified && job.attestation == #"{"payload":"x"}"# && job.eip712 == nil)
    }

    @Test func bundleBytesRoundTripUnchangedIncludingNulAndHighBytes() throws {
        let store = try Self.store(try PostgresTestCluster.freshSchemaURL())
        var generator = SplitMix64(seed: 7)
        let large = (0..<1_048_576).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for bytes in [Array(0...255), [0, 0, 0], large] as [[UInt8]] {
            let id = try store.submit(JobSubmission(bundle: bytes)).job.id
            #expect(try store.job(id: id)?.bundle == bytes)
        }
    }

    @Test func quotesInTextTravelAsDataNotSQL() throws {
        let store = try Self.store(try PostgresTestCluster.freshSchemaURL())
        let id = try store.submit(JobSubmission(bundle: testBundle(1))).job.id
        let owner = "w'; DROP TABLE jobs; --"
        _ = try store.claim(owner: owner)
        #expect(try store.complete(id: id, owner: owner, verdict: .verified, report: #"{"a":"'\""}"#, attestation: nil, eip712: nil))
        #expect(try store.job(id: id)?.report == #"{"a":"'\""}"#)
    }

    @Test func serverErrorsCarrySQLStateAndMessage() throws {
        let connection = try PostgresConnection(url: try PostgresTestCluster.freshSchemaURL())
        try connection.executeScript("CREATE TABLE t (id text PRIMARY KEY)")
        try connection.execute("INSERT INTO t VALUES ($1)", [.text("a")])
        let duplicate = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO t VALUES ($1)", [.text("a")])
        }
        #expect(duplicate.sqlstate == "23505" && !duplicate.isUnavailable) // unique_violation
        #expect("\(duplicate)".contains("duplicate key value violates unique constraint"))
        let syntax = try #require(throws: PostgresError.self) { try connection.execute("SELEC 1") }
        #expect(syntax.sqlstate == "42601")
        // The connection stays usable after a refused statement.
        #expect(try connection.execute("SELECT count(*) FROM t").rows.first?.int64(0) == 1)
    }

    @Test func connectionClassSQLStatesCountAsUnavailable() {
        for state in ["08000", "08006", "08P01", "57P01", "57P02", "57P03"] {
            #expect(PostgresError.isConnectionFailure(sqlstate: state))
        }
        for state in ["23505", "42601", "57014", "40001"] {
            #expect(!PostgresError.isConnectionFailure(sqlstate: state))
        }
    }

    @Test func databaseClockTimesLeasesFromServerTime() throws {
        let url = try PostgresTestCluster.freshSchemaURL()
        let store = try PostgresJobStore(url: url, policy: JobLeasePolicy(lease: .seconds(12)), clock: .database)
        let before = Date()
        let job = try store.submit(JobSubmission(bundle: testBundle(1))).job
        let claimed = try #require(try store.claim(owner: "w"))
        // Same host, so the server clock is this clock; allow for rounding to milliseconds.
        #expect(abs(job.createdAt.timeIntervalSince(before)) < 5)
        let started = try #require(claimed.startedAt)
        #expect(claimed.leaseExpiresAt == started.addingTimeInterval(12))
        #expect(try store.renew(id: job.id, owner: "w"))
    }
}
