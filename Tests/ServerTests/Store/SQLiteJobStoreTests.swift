import CSQLite
import Foundation
import TestSupport
import Testing
import Verification
@testable import Server

/// What only the SQLite store has: its file settings, schema migrations and error mapping.
struct SQLiteJobStoreTests {
    static func scratchPath() throws -> String {
        try Scratch.directory("jobstore").appendingPathComponent("jobs.sqlite").path
    }

    static func scalar(_ connection: SQLiteConnection, _ sql: String) throws -> SQLiteValue {
        try connection.query(sql) { $0.column(0) }.first ?? .null
    }

    @Test func opensFileInWriteAheadLogModeAtLatestSchema() throws {
        let path = try Self.scratchPath()
        let store = try SQLiteJobStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrator.jobStoreMigrations.last?.version)
        let raw = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
        #expect(try Self.scalar(raw, "PRAGMA journal_mode") == .text("wal"))
    }

    @Test func migratesVersionOneDatabaseKeepingItsJobs() throws {
        let path = try Self.scratchPath()
        let digest = SHA256.hash([1, 2, 3])
        do {
            // Build the database as the first release left it: schema 1 and one job in it.
            let old = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
            try SQLiteMigrator.migrate(old, migrations: Array(SQLiteMigrator.jobStoreMigrations.prefix(1)), appliedAt: 0)
            #expect(try SQLiteMigrator.currentVersion(old) == 1)
            try old.run("""
                INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, 'queued', 1000, 1000)
                """, [.text(digest.hex), .blob(digest.bytes), .blob([1, 2, 3]), .blob([UInt8](repeating: 9, count: 32))])
        }
        let store = try SQLiteJobStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrator.jobStoreMigrations.count)
        let job = try #require(try store.job(id: digest.hex))
        #expect(job.bundle == [1, 2, 3] && job.status == .queued)
        #expect(job.createdAt == Date(timeIntervalSince1970: 1))
        // Not a bundle: no commitment, no run; its beacon's source is unknown, so `caller`.
        #expect(job.commitment == nil && job.runKey == nil && job.beacon.source == .caller)
    }

    @Test func migrationBindsOldJobsToTheirRunsAndRecordsOldEquivocations() throws {
        let path = try Self.scratchPath()
        let first = parseableBundle(run: 1), respaced = parseableBundle(run: 1, spacing: " ")
        let other = parseableBundle(run: 1, loss: "1.25"), second = parseableBundle(run: 2)
        do {
            let old = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
            try SQLiteMigrator.migrate(old, migrations: Array(SQLiteMigrator.jobStoreMigrations.prefix(2)), appliedAt: 0)
            for (n, bytes) in [first, respaced, other, second].enumerated() {
                try old.run("""
                    INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at)
                    VALUES (?1, ?2, ?3, ?4, 'verified', ?5, ?5)
                    """, [.text(SHA256.hash(bytes).hex), .blob(SHA256.hash(bytes).bytes), .blob(bytes),
                          .blob([UInt8](repeating: 9, count: 32)), .integer(Int64(1000 * (n + 1)))])
            }
        }
        let store = try SQLiteJobStore(path: path)
        let parsed = try [first, respaced, other, second].map { try ProofBundle(bytes: $0) }
        let jobs = try [first, respaced, other, second].map { try #require(try store.job(id: SHA256.hash($0).hex)) }
        #expect(zip(jobs, parsed).allSatisfy { $0.commitment == $1.commitmentDigest })
        #expect(jobs.map(\.runKey) == [parsed[0].runKey, nil, nil, parsed[3].runKey])
        let evidence = try store.equivocations(jobID: jobs[0].id, limit: 10)
        #expect(evidence.entries == [Equivocation(commitment: parsed[2].commitmentDigest, digest: SHA256.hash(other),
                                                  submittedAt: Date(timeIntervalSince1970: 3))])
        // New submissions meet the old jobs: the same commitment is the old job, another one is refused.
        #expect(try store.submit(JobSubmission(bundle: respaced, parsed: parsed[1])) == SubmitResult(job: jobs[0], disposition: .sameCommitment))
        let third = parseableBundle(run: 1, loss: "1.75")
        #expect(try store.submit(JobSubmission(bundle: third, parsed: try ProofBundle(bytes: third))).disposition == .otherCommitment)
    }

    @Test func jobFinishedBeforeVersionFiveKeepsItsEnvelopeAndHasNoEIP712Signature() throws {
        let path = try Self.scratchPath()
        let digest = SHA256.hash([4, 5, 6])
        do {
            let old = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
            try SQLiteMigrator.migrate(old, migrations: Array(SQLiteMigrator.jobStoreMigrations.prefix(4)), appliedAt: 0)
            try old.run("""
                INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at, finished_at, report, attestation)
                VALUES (?1, ?2, ?3, ?4, 'verified', 1000, 2000, 2000, '{"verdict":"positive"}', '{"payload":"x"}')
                """, [.text(digest.hex), .blob(digest.bytes), .blob([4, 5, 6]), .blob([UInt8](repeating: 9, count: 32))])
        }
        let store = try SQLiteJobStore(path: path)
        let job = try #require(try store.job(id: digest.hex))
        #expect(job.status == .verified && job.attestation == #"{"payload":"x"}"# && job.eip712 == nil)
        let document = try #require(try JSONSerialization.jsonObject(
            with: Data(JobDocument.full(job, equivocations: EquivocationPage(entries: [], total: 0)))) as? [String: Any])
        #expect(document["attestation"] != nil && document["eip712"] == nil)
    }

    @Test func refusesDatabaseMigratedByNewerBuild() throws {
        let path = try Self.scratchPath()
        _ = try SQLiteJobStore(path: path)
        let raw = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
        try raw.run("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        #expect(throws: JobStoreError.schemaTooNew(found: 99, supported: SQLiteMigrator.jobStoreMigrations.count)) { try SQLiteJobStore(path: path) }
    }

    @Test func failingMigrationStepRollsBackEntirely() throws {
        let path = try Self.scratchPath()
        let broken = SQLiteMigrator.jobStoreMigrations + [
            SQLiteMigration(version: SQLiteMigrator.jobStoreMigrations.count + 1, sql: "CREATE TABLE extra (x INTEGER); THIS IS NOT SQL;"),
        ]
        #expect(throws: SQLiteError.self) { try SQLiteJobStore(path: path, migrations: broken) }
        let raw = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
        #expect(try SQLiteMigrator.currentVersion(raw) == SQLiteMigrator.jobStoreMigrations.count)
        #expect(try Self.scalar(raw, "SELECT count(*) FROM sqlite_schema WHERE name = 'extra'") == .integer(0))
    }

    @Test func storesOpeningOneFreshFileAtOnceMigrateItOnce() throws {
        let path = try Self.scratchPath()
        try concurrently(8) { _ in _ = try SQLiteJobStore(path: path) }
        let raw = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
        #expect(try Self.scalar(raw, "SELECT count(*) FROM schema_migrations") == .integer(Int64(SQLiteMigrator.jobStoreMigrations.count)))
    }

    @Test func unopenablePathReportsCantOpenWithPath() throws {
        let path = "/nonexistent-dir-\(UUID().uuidString)/jobs.sqlite"
        do {
            _ = try SQLiteJobStore(path: path)
            Issue.record("opened \(path)")
        } catch let error as SQLiteError {
            guard case .open(let reported, let code, _, _) = error else { throw error }
            #expect(reported == path && code == SQLITE_CANTOPEN)
        }
    }

    @Test func duplicatePrimaryKeyMapsToConstraintWithExtendedCode() throws {
        let raw = try SQLiteConnection(path: try Self.scratchPath(), busyTimeout: .seconds(1))
        try raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY)")
        try raw.run("INSERT INTO t VALUES ('a')")
        let error = try #require(throws: SQLiteError.self) { try raw.run("INSERT INTO t VALUES ('a')") }
        #expect(error.isConstraintViolation)
        #expect(error.code == SQLITE_CONSTRAINT && error.extendedCode == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error.message.contains("UNIQUE constraint failed: t.id"))
    }

    @Test func syntaxErrorMapsToPrepareErrorCarryingSQL() throws {
        let raw = try SQLiteConnection(path: try Self.scratchPath(), busyTimeout: .seconds(1))
        let error = try #require(throws: SQLiteError.self) { try raw.run("SELEC 1") }
        #expect(error == .prepare(sql: "SELEC 1", code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                                  message: #"near "SELEC": syntax error"#))
    }

    @Test func writerBlockedPastBusyTimeoutGetsBusyError() throws {
        let path = try Self.scratchPath()
        let store = try SQLiteJobStore(path: path, busyTimeout: .milliseconds(50))
        let holder = try SQLiteConnection(path: path, busyTimeout: .milliseconds(50))
        try holder.execute("BEGIN IMMEDIATE")
        let error = try #require(throws: SQLiteError.self) { try store.submit(JobSubmission(bundle: [1])) }
        #expect(error.isBusy && error.code == SQLITE_BUSY)
        // Readers are not blocked by a writer in WAL mode.
        #expect(try store.counts()[.queued] == 0)
        try holder.execute("COMMIT")
        #expect(try store.submit(JobSubmission(bundle: [1])).created)
    }
}
