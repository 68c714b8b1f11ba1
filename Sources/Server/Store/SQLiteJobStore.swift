internal import Foundation
internal import Verification
internal import Synchronization

/// The job store on one SQLite file (WAL mode); see docs/store.md.
///
/// One connection per instance, guarded by a mutex, so calls from many threads are serialised.
/// Several instances, in one process or several, may open the same file: every write runs in a
/// `BEGIN IMMEDIATE` transaction, so two claimers never take the same job.
final class SQLiteJobStore: JobStore {
    /// How long a call waits for another connection's lock before failing with `SQLITE_BUSY`.
    /// Default 5 s.
    static let defaultBusyTimeout: Duration = .seconds(5)

    let policy: JobLeasePolicy
    let path: String
    private let busyTimeout: Duration
    private let connection: Mutex<SQLiteConnection>
    private let now: @Sendable () -> Date

    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    ///
    /// - Parameters:
    ///   - migrations: the schema steps to apply; tests pass a prefix to build an old database.
    ///   - now: the clock used for every timestamp and lease decision.
    init(path: String, policy: JobLeasePolicy = JobLeasePolicy(),
         busyTimeout: Duration = SQLiteJobStore.defaultBusyTimeout,
         migrations: [SQLiteMigration] = SQLiteMigrator.jobStoreMigrations,
         now: @escaping @Sendable () -> Date = { Date() }) throws {
        try policy.validate()
        // Created 0600 before SQLite opens it, so its -wal and -shm files get that mode too.
        PrivateFiles.createFileIfMissing(path)
        let connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
        // WAL lets readers run beside the one writer and survives a killed process. In WAL,
        // synchronous=FULL fsyncs the log on every commit, so an acknowledged submission or
        // verdict survives power loss too; NORMAL could lose the last commits on power loss.
        try Self.retryingWhileBusy(for: busyTimeout) { () throws(SQLiteError) in
            try connection.execute("PRAGMA journal_mode = WAL")
        }
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute("PRAGMA foreign_keys = ON")
        try SQLiteMigrator.migrate(connection, migrations: migrations, appliedAt: StoredTime.milliseconds(now()))
        self.connection = Mutex(connection)
        self.policy = policy
        self.path = path
        self.busyTimeout = busyTimeout
        self.now = now
    }

    /// Runs `body` again while it fails with SQLITE_BUSY, for up to `timeout`. Switching a
    /// fresh file to WAL needs an exclusive lock, and when other processes opening the same
    /// file hold or want it, SQLite can answer BUSY at once instead of calling the busy handler
    /// (it does so where waiting could deadlock).
    private static func retryingWhileBusy(for timeout: Duration, _ body: () throws(SQLiteError) -> Void) throws(SQLiteError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            do { return try body() } catch {
                guard error.isBusy, ContinuousClock.now < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }

    func submit(_ submission: JobSubmission) throws -> SubmitResult {
        let time = StoredTime.milliseconds(now())
        return try withConnection { db in
            // Under BEGIN IMMEDIATE the lookup and the insert see no other writer in between.
            try db.immediateTransaction {
                if let existing = try Self.fetch(db, runKey: submission.runKey) {
                    guard existing.commitment != submission.commitment else {
                        return SubmitResult(job: existing, disposition: .sameCommitment)
                    }
                    try db.run("""
                        INSERT INTO equivocations (job_id, commitment, digest, submitted_at) VALUES (?1, ?2, ?3, ?4)
                        ON CONFLICT (job_id, commitment) DO NOTHING
                        """, [.text(existing.id), .blob(submission.commitment.bytes), .blob(submission.digest.bytes),
                              .integer(time)])
                    return SubmitResult(job: existing, disposition: .otherCommitment)
                }
                try db.run("""
                    INSERT INTO jobs (id, digest, commitment, run_key, bundle, beacon, beacon_source, status,
                                      created_at, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?8)
                    """, [.text(submission.id), .blob(submission.digest.bytes), .blob(submission.commitment.bytes),
                          .blob(submission.runKey.bytes), .blob(submission.bundle), .blob(submission.beacon.value.bytes),
                          .text(submission.beacon.source.rawValue), .integer(time)])
                guard let job = try Self.fetch(db, id: submission.id) else {
                    throw JobStoreError.corruptRow(id: submission.id, column: "id")
                }
                return SubmitResult(job: job, disposition: .created)
            }
        }
    }

    func equivocations(jobID: String, limit: Int) throws -> EquivocationPage {
        try withConnection { db in
            let entries = try db.query("""
                SELECT commitment, digest, submitted_at FROM equivocations WHERE job_id = ?1
                ORDER BY submitted_at DESC, commitment LIMIT ?2
                """, [.text(jobID), .integer(Int64(max(limit, 0)))]) { row in
                guard case .blob(let commitment) = row.column(0), commitment.count == 32,
                      case .blob(let digest) = row.column(1), digest.count == 32,
                      case .integer(let at) = row.column(2) else {
                    throw JobStoreError.corruptRow(id: jobID, column: "equivocations")
                }
                return Equivocation(commitment: Digest(bytes: commitment), digest: Digest(bytes: digest),
                                    submittedAt: StoredTime.date(milliseconds: at))
            }
            let counts = try db.query("SELECT count(*) FROM equivocations WHERE job_id = ?1", [.text(jobID)]) { row in
                row.column(0)
            }
            guard case .integer(let total)? = counts.first else { throw JobStoreError.corruptRow(id: jobID, column: "equivocations") }
            return EquivocationPage(entries: entries, total: Int(total))
        }
    }

    func job(id: String) throws -> Job? {
        try withConnection { db in try Self.fetch(db, id: id) }
    }

    func claim(owner: String) throws -> Job? {
        let time = StoredTime.milliseconds(now())
        let expiry = time + policy.lease.wholeMilliseconds
        let maxAttempts = Int64(policy.maxAttempts)
        return try withConnection { db in
            try db.immediateTransaction {
                // A job whose lease lapsed on its last allowed attempt is a poison job (it keeps
                // killing its worker): fail it rather than hand it out again.
                try db.run("""
                    UPDATE jobs SET status = 'failed', finished_at = ?1, updated_at = ?1,
                        last_error = 'lease expired on attempt ' || attempts || ' of ' || ?2,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE status = 'running' AND lease_expires_at <= ?1 AND attempts >= ?2
                    """, [.integer(time), .integer(maxAttempts)])
                let ids = try db.query("""
                    SELECT id FROM jobs
                    WHERE status = 'queued' OR (status = 'running' AND lease_expires_at <= ?1)
                    ORDER BY created_at, id LIMIT 1
                    """, [.integer(time)]) { row in row.column(0) }
                guard case .text(let id)? = ids.first else { return nil }
                try db.run("""
                    UPDATE jobs SET status = 'running', lease_owner = ?2, lease_expires_at = ?3,
                        attempts = attempts + 1, started_at = ?4, updated_at = ?4
                    WHERE id = ?1
                    """, [.text(id), .text(owner), .integer(expiry), .integer(time)])
                return try Self.fetch(db, id: id)
            }
        }
    }

    func renew(id: String, owner: String) throws -> Bool {
        let time = StoredTime.milliseconds(now())
        let expiry = time + policy.lease.wholeMilliseconds
        return try withConnection { db in
            try db.immediateTransaction {
                try db.run("""
                    UPDATE jobs SET lease_expires_at = ?3, updated_at = ?4
                    WHERE id = ?1 AND status = 'running' AND lease_owner = ?2 AND lease_expires_at > ?4
                    """, [.text(id), .text(owner), .integer(expiry), .integer(time)]) == 1
            }
        }
    }

    func complete(id: String, owner: String, verdict: JobVerdict, report: String, attestation: String?,
                  eip712: String?) throws -> Bool {
        let time = StoredTime.milliseconds(now())
        return try withConnection { db in
            try db.immediateTransaction {
                try db.run("""
                    UPDATE jobs SET status = ?3, report = ?4, attestation = ?5, finished_at = ?6, updated_at = ?6,
                        lease_owner = NULL, lease_expires_at = NULL, eip712 = ?7
                    WHERE id = ?1 AND status = 'running' AND lease_owner = ?2 AND lease_expires_at > ?6
                    """, [.text(id), .text(owner), .text(verdict.status.rawValue), .text(report),
                          attestation.map(SQLiteValue.text) ?? .null, .integer(time),
                          eip712.map(SQLiteValue.text) ?? .null]) == 1
            }
        }
    }

    func recordFailure(id: String, owner: String, error: String) throws -> FailureDisposition {
        let time = StoredTime.milliseconds(now())
        let maxAttempts = Int64(policy.maxAttempts)
        return try withConnection { db in
            try db.immediateTransaction {
                let rows = try db.query("""
                    UPDATE jobs SET
                        status = CASE WHEN attempts < ?3 THEN 'queued' ELSE 'failed' END,
                        finished_at = CASE WHEN attempts < ?3 THEN NULL ELSE ?5 END,
                        last_error = ?4, updated_at = ?5, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ?1 AND status = 'running' AND lease_owner = ?2 AND lease_expires_at > ?5
                    RETURNING status, attempts
                    """, [.text(id), .text(owner), .integer(maxAttempts), .text(error), .integer(time)]) { row in
                    (row.column(0), row.column(1))
                }
                guard let (status, attemptsValue) = rows.first else { return .leaseNotHeld }
                guard case .integer(let attempts) = attemptsValue else {
                    throw JobStoreError.corruptRow(id: id, column: "attempts")
                }
                return status == .text(JobStatus.failed.rawValue)
                    ? .failed(attempts: Int(attempts)) : .requeued(attempts: Int(attempts))
            }
        }
    }

    func counts() throws -> [JobStatus: Int] {
        let rows = try withConnection { db in
            try db.query("SELECT status, count(*) FROM jobs GROUP BY status") { row in (row.column(0), row.column(1)) }
        }
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for (statusValue, countValue) in rows {
            guard case .text(let name) = statusValue, let status = JobStatus(rawValue: name),
                  case .integer(let count) = countValue else {
                throw JobStoreError.corruptRow(id: "*", column: "status")
            }
            counts[status] = Int(count)
        }
        return counts
    }

    func queueDepth() throws -> Int {
        let rows = try withConnection { db in
            try db.query("SELECT count(*) FROM jobs WHERE status = 'queued'") { row in row.column(0) }
        }
        guard case .integer(let depth)? = rows.first else { return 0 }
        return Int(depth)
    }

    /// Runs on a connection of its own, opened for the probe: it reads the file's header and
    /// schema from disk, so a database damaged or replaced under the open connections fails it
    /// even while their caches still hold good pages.
    func probe() throws {
        let time = StoredTime.milliseconds(now())
        let db = try SQLiteConnection(path: path, busyTimeout: busyTimeout, create: false)
        try db.immediateTransaction {
            _ = try db.run("""
                INSERT INTO readiness_probe (id, probed_at) VALUES (1, ?1)
                ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at
                """, [.integer(time)])
        }
    }

    /// The schema version of the open database.
    func schemaVersion() throws -> Int {
        try withConnection { db in try SQLiteMigrator.currentVersion(db) }
    }

    private func withConnection<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        try connection.withLock { db in try body(db) }
    }
}
