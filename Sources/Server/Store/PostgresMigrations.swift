/// One PostgreSQL schema step: its version, the fixed SQL that takes the previous version to
/// it, and optionally a rewrite of rows SQL cannot compute, run after it in the same transaction.
struct PostgresMigration: Sendable {
    let version: Int
    let sql: String
    var rewrite: (@Sendable (PostgresConnection) throws -> Void)? = nil
}

/// Applies schema migrations in order, each in its own transaction that also records the
/// version in `schema_migrations`, as `SQLiteMigrator` does.
///
/// Several replicas may start at once on a fresh database. Each step's transaction first takes
/// the transaction-scoped advisory lock `migrationLockKey` (`pg_advisory_xact_lock`, released at
/// commit or rollback), then creates the version table if needed and re-reads the version, so
/// a step is applied exactly once and a loser of the race finds it done. Without the lock two
/// concurrent `CREATE TABLE IF NOT EXISTS` can both pass the check and one fails on a
/// unique violation in the catalogue.
enum PostgresMigrator {
    /// The advisory lock key: the ASCII bytes of "verifier" read as a big-endian integer.
    static let migrationLockKey: Int64 = 8_531_350_866_138_588_530

    /// The job store's PostgreSQL schema, oldest first. Never edit a shipped step; append a new one.
    static let jobStoreMigrations: [PostgresMigration] = [
        // The same columns as SQLite's version 2, in one step. Timestamps are bigint
        // milliseconds since 1970 UTC, as in SQLite, so both stores round-trip the same Dates.
        // `bundle_location` is unused, as in SQLite (kept rather than dropped by a new step).
        PostgresMigration(version: 1, sql: """
            CREATE TABLE jobs (
                id text PRIMARY KEY,
                digest bytea NOT NULL CHECK (octet_length(digest) = 32),
                bundle bytea,
                bundle_location text,
                beacon bytea NOT NULL CHECK (octet_length(beacon) = 32),
                status text NOT NULL CHECK (status IN ('queued', 'running', 'verified', 'rejected', 'failed')),
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                started_at bigint,
                finished_at bigint,
                lease_owner text,
                lease_expires_at bigint,
                attempts integer NOT NULL DEFAULT 0,
                last_error text,
                report text,
                attestation text
            );
            CREATE INDEX jobs_by_status_age ON jobs (status, created_at, id);
            """),
        // Version 2: as SQLite's version 3 (commitments, one per run, beacon source, evidence).
        PostgresMigration(version: 2, sql: """
            ALTER TABLE jobs ADD COLUMN commitment bytea CHECK (commitment IS NULL OR octet_length(commitment) = 32);
            ALTER TABLE jobs ADD COLUMN run_key bytea CHECK (run_key IS NULL OR octet_length(run_key) = 32);
            ALTER TABLE jobs ADD COLUMN beacon_source text NOT NULL DEFAULT 'caller'
                CHECK (beacon_source IN ('verifier', 'caller'));
            CREATE UNIQUE INDEX jobs_by_run ON jobs (run_key) WHERE run_key IS NOT NULL;
            CREATE TABLE equivocations (
                job_id text NOT NULL REFERENCES jobs (id),
                commitment bytea NOT NULL CHECK (octet_length(commitment) = 32),
                digest bytea NOT NULL CHECK (octet_length(digest) = 32),
                submitted_at bigint NOT NULL,
                PRIMARY KEY (job_id, commitment)
            );
            """, rewrite: PostgresJobStore.backfillRuns),
        // Version 3: as SQLite's version 4 (the row the readiness probe rewrites).
        PostgresMigration(version: 3, sql: """
            CREATE TABLE readiness_probe (
                id integer PRIMARY KEY CHECK (id = 1),
                probed_at bigint NOT NULL
            );
            """),
        // Version 4: as SQLite's version 5 (the verdict signed as EIP-712 typed data).
        PostgresMigration(version: 4, sql: """
            ALTER TABLE jobs ADD COLUMN eip712 text;
            """),
    ]

    /// The schema version recorded in the database; 0 when none is. Call inside a transaction
    /// holding the migration lock, since it may create the version table.
    static func currentVersion(_ connection: PostgresConnection) throws(PostgresError) -> Int {
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, applied_at bigint NOT NULL)
            """)
        let rows = try connection.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").rows
        return Int(try rows.first?.int64(0) ?? 0)
    }

    /// Brings the database up to the last of `migrations`; `appliedAt` (milliseconds since 1970)
    /// is recorded per step. Throws `schemaTooNew` for a database ahead of `migrations`.
    static func migrate(_ connection: PostgresConnection, migrations: [PostgresMigration], appliedAt: Int64) throws {
        let supported = migrations.last?.version ?? 0
        for migration in migrations {
            try lockedTransaction(connection) {
                let current = try currentVersion(connection)
                guard current <= supported else { throw JobStoreError.schemaTooNew(found: current, supported: supported) }
                guard current < migration.version else { return }
                try connection.executeScript(migration.sql)
                try migration.rewrite?(connection)
                try connection.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                                       [.int64(Int64(migration.version)), .int64(appliedAt)])
            }
        }
        let final = try lockedTransaction(connection) { try currentVersion(connection) }
        guard final <= supported else { throw JobStoreError.schemaTooNew(found: final, supported: supported) }
    }

    private static func lockedTransaction<Result>(_ connection: PostgresConnection, _ body: () throws -> Result) throws -> Result {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.int64(migrationLockKey)])
            return try body()
        }
    }
}
