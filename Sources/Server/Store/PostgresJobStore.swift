internal import Foundation
internal import Verification

/// The job store on a PostgreSQL database, shared by any number of replicas; see docs/store.md.
///
/// Claims take rows with `FOR UPDATE SKIP LOCKED`, so concurrent claimers (threads or replicas)
/// never wait on each other and never take the same job; submission is idempotent through the
/// primary key (`ON CONFLICT DO NOTHING`). Calls borrow a connection from a small pool; when
/// the database goes away they throw `PostgresError.unavailable`, and once it is back the next
/// call reconnects, without recreating the store.
final class PostgresJobStore: JobStore {
    /// Where lease and timestamp times come from.
    enum Clock: Sendable {
        /// The database server's clock (`clock_timestamp()`), read at each call: the one clock
        /// every replica agrees on. The default for the service.
        case database
        /// A caller-supplied clock, as `SQLiteJobStore` takes; tests move it by hand.
        case local(@Sendable () -> Date)
    }

    let policy: JobLeasePolicy
    let clock: Clock
    private let pool: PostgresConnectionPool

    /// Connects to `url`, migrating the schema to the latest version (safe while other
    /// replicas do the same). Throws `PostgresError.invalidURL` for a URL libpq cannot parse
    /// and `PostgresError.unavailable` if the database is down.
    ///
    /// - Parameters:
    ///   - poolCapacity: the most connections this instance opens; at least 1. Default 4.
    ///   - migrations: the schema steps to apply; tests pass variants.
    init(url: String, policy: JobLeasePolicy = JobLeasePolicy(),
         poolCapacity: Int = PostgresConnectionPool.defaultCapacity,
         migrations: [PostgresMigration] = PostgresMigrator.jobStoreMigrations,
         clock: Clock = .database) throws {
        guard Self.accepts(url: url) else {
            throw PostgresError.invalidURL("scheme \(url.prefix { $0 != ":" })")
        }
        try PostgresConnection.validate(url: url)
        try policy.validate()
        guard poolCapacity >= 1 else { throw JobStoreError.invalidPolicy(field: "poolCapacity", value: "\(poolCapacity)") }
        self.policy = policy
        self.clock = clock
        pool = PostgresConnectionPool(url: url, capacity: poolCapacity)
        try pool.withConnection { db in
            try PostgresMigrator.migrate(db, migrations: migrations, appliedAt: try milliseconds(db))
        }
    }

    /// True for the URLs this store takes: `postgres://...` and `postgresql://...`.
    static func accepts(url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    func submit(_ submission: JobSubmission) throws -> SubmitResult {
        try pool.withConnection { db in
            let time = try milliseconds(db)
            // The unique run key decides: of many concurrent submitters of one run (on any
            // replica) exactly one inserts; the others wait for its commit, insert nothing, and
            // then find its row.
            let inserted = try db.execute("""
                INSERT INTO jobs (id, digest, commitment, run_key, bundle, beacon, beacon_source, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8) ON CONFLICT DO NOTHING
                """, [.text(submission.id), .bytes(submission.digest.bytes), .bytes(submission.commitment.bytes),
                      .bytes(submission.runKey.bytes), .bytes(submission.bundle), .bytes(submission.beacon.value.bytes),
                      .text(submission.beacon.source.rawValue), .int64(time)]).affected
            guard let job = try Self.fetch(db, runKey: submission.runKey) else {
                throw JobStoreError.corruptRow(id: submission.id, column: "run_key")
            }
            if inserted == 1 { return SubmitResult(job: job, disposition: .created) }
            guard job.commitment != submission.commitment else { return SubmitResult(job: job, disposition: .sameCommitment) }
            try db.execute("""
                INSERT INTO equivocations (job_id, commitment, digest, submitted_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (job_id, commitment) DO NOTHING
                """, [.text(job.id), .bytes(submission.commitment.bytes), .bytes(submission.digest.bytes), .int64(time)])
            return SubmitResult(job: job, disposition: .otherCommitment)
        }
    }

    func equivocations(jobID: String, limit: Int) throws -> EquivocationPage {
        try pool.withConnection { db in
            let rows = try db.execute("""
                SELECT commitment, digest, submitted_at FROM equivocations WHERE job_id = $1
                ORDER BY submitted_at DESC, commitment LIMIT $2
                """, [.text(jobID), .int64(Int64(max(limit, 0)))]).rows
            let entries = try rows.map { row in
                guard let commitment = try row.bytes(0), commitment.count == 32, let digest = try row.bytes(1), digest.count == 32,
                      let at = try row.int64(2) else {
                    throw JobStoreError.corruptRow(id: jobID, column: "equivocations")
                }
                return Equivocation(commitment: Digest(bytes: commitment), digest: Digest(bytes: digest),
                                    submittedAt: StoredTime.date(milliseconds: at))
            }
            let total = try db.execute("SELECT count(*) FROM equivocations WHERE job_id = $1", [.text(jobID)]).rows.first?.int64(0)
            return EquivocationPage(entries: entries, total: Int(total ?? 0))
        }
    }

    func job(id: String) throws -> Job? {
        try pool.withConnection { db in try Self.fetch(db, id: id) }
    }

    func claim(owner: String) throws -> Job? {
        let maxAttempts = Int64(policy.maxAttempts)
        return try pool.withConnection { db in
            let time = try milliseconds(db)
            let expiry = time + policy.lease.wholeMilliseconds
            // A job whose lease lapsed on its last allowed attempt is a poison job (it keeps
            // killing its worker): fail it rather than hand it out again. SKIP LOCKED leaves
            // rows another claimer holds to that claimer.
            try db.execute("""
                UPDATE jobs SET status = 'failed', finished_at = $1, updated_at = $1,
                    last_error = 'lease expired on attempt ' || attempts || ' of ' || $2,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id IN (SELECT id FROM jobs
                             WHERE status = 'running' AND lease_expires_at <= $1 AND attempts >= $2
                             FOR UPDATE SKIP LOCKED)
                """, [.int64(time), .int64(maxAttempts)])
            // The subquery locks the oldest claimable row no one else has locked; a row a
            // concurrent claimer holds is skipped, not waited for.
            let rows = try db.execute("""
                UPDATE jobs SET status = 'running', lease_owner = $3, lease_expires_at = $4,
                    attempts = attempts + 1, started_at = $1, updated_at = $1
                WHERE id = (SELECT id FROM jobs
                            WHERE status = 'queued'
                               OR (status = 'running' AND lease_expires_at <= $1 AND attempts < $2)
                            ORDER BY created_at, id LIMIT 1
                            FOR UPDATE SKIP LOCKED)
                RETURNING \(Self.jobColumns)
                """, [.int64(time), .int64(maxAttempts), .text(owner), .int64(expiry)]).rows
            return try rows.first.map(Self.decodeJob)
        }
    }

    func renew(id: String, owner: String) throws -> Bool {
        try pool.withConnection { db in
            let time = try milliseconds(db)
            let expiry = time + policy.lease.wholeMilliseconds
            return try db.execute("""
                UPDATE jobs SET lease_expires_at = $3, updated_at = $4
                WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND lease_expires_at > $4
                """, [.text(id), .text(owner), .int64(expiry), .int64(time)]).affected == 1
        }
    }

    func complete(id: String, owner: String, verdict: JobVerdict, report: String, attestation: String?,
                  eip712: String?) throws -> Bool {
        try pool.withConnection { db in
            let time = try milliseconds(db)
            return try db.execute("""
                UPDATE jobs SET status = $3, report = $4, attestation = $5, finished_at = $6, updated_at = $6,
                    lease_owner = NULL, lease_expires_at = NULL, eip712 = $7
                WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND lease_expires_at > $6
                """, [.text(id), .text(owner), .text(verdict.status.rawValue), .text(report),
                      attestation.map(PostgresValue.text) ?? .null, .int64(time),
                      eip712.map(PostgresValue.text) ?? .null]).affected == 1
        }
    }

    func recordFailure(id: String, owner: String, error: String) throws -> FailureDisposition {
        try pool.withConnection { db in
            let time = try milliseconds(db)
            let rows = try db.execute("""
                UPDATE jobs SET
                    status = CASE WHEN attempts < $3 THEN 'queued' ELSE 'failed' END,
                    finished_at = CASE WHEN attempts < $3 THEN NULL ELSE $5 END,
                    last_error = $4, updated_at = $5, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND lease_expires_at > $5
                RETURNING status, attempts
                """, [.text(id), .text(owner), .int64(Int64(policy.maxAttempts)), .text(error), .int64(time)]).rows
            guard let row = rows.first else { return .leaseNotHeld }
            guard let attempts = try row.int64(1) else { throw JobStoreError.corruptRow(id: id, column: "attempts") }
            return try row.text(0) == JobStatus.failed.rawValue
                ? .failed(attempts: Int(attempts)) : .requeued(attempts: Int(attempts))
        }
    }

    func counts() throws -> [JobStatus: Int] {
        let rows = try pool.withConnection { db in
            try db.execute("SELECT status, count(*) FROM jobs GROUP BY status").rows
        }
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for row in rows {
            guard let name = try row.text(0), let status = JobStatus(rawValue: name), let count = try row.int64(1) else {
                throw JobStoreError.corruptRow(id: "*", column: "status")
            }
            counts[status] = Int(count)
        }
        return counts
    }

    func queueDepth() throws -> Int {
        let rows = try pool.withConnection { db in
            try db.execute("SELECT count(*) FROM jobs WHERE status = 'queued'").rows
        }
        return Int(try rows.first?.int64(0) ?? 0)
    }

    func probe() throws {
        try pool.withConnection { db in
            let time = try milliseconds(db)
            _ = try db.execute("""
                INSERT INTO readiness_probe (id, probed_at) VALUES (1, $1)
                ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at
                """, [.int64(time)])
        }
    }

    /// The schema version of the database.
    func schemaVersion() throws -> Int {
        try pool.withConnection { db in
            Int(try db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").rows.first?.int64(0) ?? 0)
        }
    }

    /// The current time in milliseconds since 1970 from the store's clock; `.database` asks the
    /// server over `db`.
    private func milliseconds(_ db: PostgresConnection) throws -> Int64 {
        switch clock {
        case .local(let now):
            return StoredTime.milliseconds(now())
        case .database:
            let rows = try db.execute("SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint").rows
            guard let time = try rows.first?.int64(0) else {
                throw PostgresError.unexpectedResult(column: 0, message: "no server time")
            }
            return time
        }
    }
}
