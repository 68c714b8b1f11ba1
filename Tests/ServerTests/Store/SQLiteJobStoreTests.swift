import CSQLite
import Foundation
import Testing
import Verification
@testable import Server

/// What only the SQLite store has: its file settings, schema migrations and error mapping.
struct SQLiteJobStoreTests {
    static func scratchPath() throws -> String {
        try JobStoreFactory.scratchDirectory().appendingPathComponent("jobs.sqlite").path
    }

    static func scalar(_ connection: SQLiteConnection, _ sql: String) throws -> SQLiteValue {
        try connection.query(sql) { $0.column(0) }.first ?? .null
    }

    @Test func opensFileInWriteAheadLogModeAtLatestSchema() throws {
        let path = try Self.scratchPath()
        let store = try SQLiteJobStore(path: path)
        #expect(try store.schemaVersion() == SQLiteMigrator.jobStoreMigrations.last?.version)
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1_000)
        #expect(try Self.scalar(raw, "PRAGMA journal_mode") == .text("wal"))
    }

    @Test func migratesVersionOneDatabaseKeepingItsJobs() throws {
        let path = try Self.scratchPath()
        let digest = SHA256.hash([1, 2, 3])
        do {
            // Build the database as the first release left it: schema 1 and one job in it.
            let old = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1_000)
            try SQLiteMigrator.migrate(old, migrations: Array(SQLiteMigrator.jobStoreMigrations.prefix(1)), appliedAt: 0)
            #expect(try SQLiteMigrator.currentVersion(old) == 1)
            try old.run("""
                INSERT INTO jobs (id, digest, bundle, beacon, status, created_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, 'queued', 1000, 1000)
                """, [.text(digest.hex), .blob(digest.bytes), .blob([1, 2, 3]), .blob([UInt8](repeating: 9, count: 32))])
        }
        let store = try SQLiteJobStore(path: path)
        #expect(try store.schemaVersion() == 2)
        let job = try #require(try store.job(id: digest.hex))
        #expect(job.bundle == [1, 2, 3] && job.bundleLocation == nil && job.status == .queued)
        #expect(job.createdAt == Date(timeIntervalSince1970: 1))
        let byLocation = try store.submit(JobSubmission(location: "/data/b", digest: SHA256.hash([4])))
        #expect(byLocation.job.bundleLocation == "/data/b")
    }

    @Test func refusesDatabaseMigratedByNewerBuild() throws {
        let path = try Self.scratchPath()
        _ = try SQLiteJobStore(path: path)
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1_000)
        try raw.run("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        #expect(throws: JobStoreError.schemaTooNew(found: 99, supported: 2)) { try SQLiteJobStore(path: path) }
    }

    @Test func failingMigrationStepRollsBackEntirely() throws {
        let path = try Self.scratchPath()
        let broken = SQLiteMigrator.jobStoreMigrations + [
            SQLiteMigration(version: 3, sql: "CREATE TABLE extra (x INTEGER); THIS IS NOT SQL;"),
        ]
        #expect(throws: SQLiteError.self) { try SQLiteJobStore(path: path, migrations: broken) }
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1_000)
        #expect(try SQLiteMigrator.currentVersion(raw) == 2)
        #expect(try Self.scalar(raw, "SELECT count(*) FROM sqlite_schema WHERE name = 'extra'") == .integer(0))
    }

    @Test func storesOpeningOneFreshFileAtOnceMigrateItOnce() throws {
        let path = try Self.scratchPath()
        try concurrently(8) { _ in _ = try SQLiteJobStore(path: path) }
        let raw = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 1_000)
        #expect(try Self.scalar(raw, "SELECT count(*) FROM schema_migrations") == .integer(2))
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
        let raw = try SQLiteConnection(path: try Self.scratchPath(), busyTimeoutMilliseconds: 1_000)
        try raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY)")
        try raw.run("INSERT INTO t VALUES ('a')")
        let error = try #require(throws: SQLiteError.self) { try raw.run("INSERT INTO t VALUES ('a')") }
        #expect(error.isConstraintViolation)
        #expect(error.code == SQLITE_CONSTRAINT && error.extendedCode == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error.message.contains("UNIQUE constraint failed: t.id"))
    }

    @Test func syntaxErrorMapsToPrepareErrorCarryingSQL() throws {
        let raw = try SQLiteConnection(path: try Self.scratchPath(), busyTimeoutMilliseconds: 1_000)
        let error = try #require(throws: SQLiteError.self) { try raw.run("SELEC 1") }
        #expect(error == .prepare(sql: "SELEC 1", code: SQLITE_ERROR, extendedCode: SQLITE_ERROR,
                                  message: #"near "SELEC": syntax error"#))
    }

    @Test func writerBlockedPastBusyTimeoutGetsBusyError() throws {
        let path = try Self.scratchPath()
        let store = try SQLiteJobStore(path: path, busyTimeoutMilliseconds: 50)
        let holder = try SQLiteConnection(path: path, busyTimeoutMilliseconds: 50)
        try holder.execute("BEGIN IMMEDIATE")
        let error = try #require(throws: SQLiteError.self) { try store.submit(JobSubmission(bundle: [1])) }
        #expect(error.isBusy && error.code == SQLITE_BUSY)
        // Readers are not blocked by a writer in WAL mode.
        #expect(try store.counts()[.queued] == 0)
        try holder.execute("COMMIT")
        #expect(try store.submit(JobSubmission(bundle: [1])).created)
    }
}
