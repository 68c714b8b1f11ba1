/// One schema step: its version, the statements that take the previous version to it, and
/// optionally a rewrite of rows that SQL cannot compute, run after them in the same transaction.
struct SQLiteMigration: Sendable {
    let version: Int
    let sql: String
    var rewrite: (@Sendable (SQLiteConnection) throws -> Void)? = nil
}

/// Applies schema migrations in order, each inside its own `BEGIN IMMEDIATE` transaction that
/// also records the version in `schema_migrations`.
///
/// Several processes may open a fresh file at once: each step re-reads the version under the
/// write lock, so a step is applied exactly once and a loser of the race simply finds it done.
enum SQLiteMigrator {
    /// The job store's schema, oldest first. Never edit a shipped step; append a new one.
    static let jobStoreMigrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, sql: """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                digest BLOB NOT NULL CHECK (length(digest) = 32),
                bundle BLOB,
                beacon BLOB NOT NULL CHECK (length(beacon) = 32),
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'verified', 'rejected', 'failed')),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                lease_owner TEXT,
                lease_expires_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                report TEXT,
                attestation TEXT
            ) STRICT;
            """),
        // Version 2: bundles submitted by reference, and an index serving the claim query.
        // `bundle_location` is no longer written or read: bundles are stored as bytes, and a row
        // without them fails when claimed (`JobOutcome`). The column stays, unused, because
        // dropping it would take a new step on every deployed database and gain nothing.
        SQLiteMigration(version: 2, sql: """
            ALTER TABLE jobs ADD COLUMN bundle_location TEXT;
            CREATE INDEX jobs_by_status_age ON jobs (status, created_at, id);
            """),
        // Version 3: jobs are commitments (id = commitment digest), one per run (a unique run
        // key), with the beacon's source and the evidence of refused second commitments. Old
        // jobs are bound to their runs by `LegacyRunBackfill`; their beacons' source is unknown,
        // so it is recorded as `caller`, the kind finalization counts only when named.
        SQLiteMigration(version: 3, sql: """
            ALTER TABLE jobs ADD COLUMN commitment BLOB CHECK (commitment IS NULL OR length(commitment) = 32);
            ALTER TABLE jobs ADD COLUMN run_key BLOB CHECK (run_key IS NULL OR length(run_key) = 32);
            ALTER TABLE jobs ADD COLUMN beacon_source TEXT NOT NULL DEFAULT 'caller'
                CHECK (beacon_source IN ('verifier', 'caller'));
            CREATE UNIQUE INDEX jobs_by_run ON jobs (run_key) WHERE run_key IS NOT NULL;
            CREATE TABLE equivocations (
                job_id TEXT NOT NULL REFERENCES jobs (id),
                commitment BLOB NOT NULL CHECK (length(commitment) = 32),
                digest BLOB NOT NULL CHECK (length(digest) = 32),
                submitted_at INTEGER NOT NULL,
                PRIMARY KEY (job_id, commitment)
            ) STRICT;
            """, rewrite: SQLiteJobStore.backfillRuns),
        // Version 4: the row the readiness probe rewrites, so readiness means "a write commits".
        SQLiteMigration(version: 4, sql: """
            CREATE TABLE readiness_probe (
                id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                probed_at INTEGER NOT NULL
            ) STRICT;
            """),
        // Version 5: the verdict signed as EIP-712 typed data (secp256k1), beside the DSSE envelope.
        SQLiteMigration(version: 5, sql: """
            ALTER TABLE jobs ADD COLUMN eip712 TEXT;
            """),
    ]

    /// The schema version recorded in the database; 0 for a fresh file.
    static func currentVersion(_ connection: SQLiteConnection) throws -> Int {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL) STRICT
            """)
        let rows = try connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations") { row in
            if case .integer(let version) = row.column(0) { return Int(version) }
            return 0
        }
        return rows.first ?? 0
    }

    /// Brings the database up to the last of `migrations`; `appliedAt` is recorded per step
    /// (milliseconds since 1970). Throws `schemaTooNew` for a database ahead of `migrations`.
    static func migrate(_ connection: SQLiteConnection, migrations: [SQLiteMigration], appliedAt: Int64) throws {
        let supported = migrations.last?.version ?? 0
        for migration in migrations {
            try connection.immediateTransaction {
                let current = try currentVersion(connection)
                guard current <= supported else { throw JobStoreError.schemaTooNew(found: current, supported: supported) }
                guard current < migration.version else { return }
                try connection.execute(migration.sql)
                try migration.rewrite?(connection)
                try connection.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                   [.integer(Int64(migration.version)), .integer(appliedAt)])
            }
        }
        let final = try currentVersion(connection)
        guard final <= supported else { throw JobStoreError.schemaTooNew(found: final, supported: supported) }
    }
}
