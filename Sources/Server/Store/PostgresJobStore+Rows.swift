internal import Foundation
internal import Verification

extension PostgresJobStore {
    /// The columns `decodeJob` reads, in its order (the same as the SQLite store's).
    static let jobColumns = """
        id, digest, bundle, commitment, beacon, status, created_at, updated_at, started_at,
        finished_at, lease_owner, lease_expires_at, attempts, last_error, report, attestation, run_key, beacon_source, eip712
        """

    static func fetch(_ db: PostgresConnection, id: String) throws -> Job? {
        try db.execute("SELECT \(jobColumns) FROM jobs WHERE id = $1", [.text(id)]).rows.first.map(decodeJob)
    }

    /// The job that holds run `runKey`, if any.
    static func fetch(_ db: PostgresConnection, runKey: Digest) throws -> Job? {
        try db.execute("SELECT \(jobColumns) FROM jobs WHERE run_key = $1", [.bytes(runKey.bytes)]).rows.first.map(decodeJob)
    }

    /// Schema version 2's rewrite: binds the jobs stored before it to their runs (`LegacyRunBackfill`).
    @Sendable static func backfillRuns(_ db: PostgresConnection) throws {
        let rows = try db.execute("SELECT id, digest, bundle, created_at FROM jobs").rows.map { row in
            guard let id = try row.text(0), let digest = try row.bytes(1), digest.count == 32, let createdAt = try row.int64(3) else {
                throw JobStoreError.corruptRow(id: "?", column: "digest")
            }
            return LegacyRunBackfill.Row(id: id, digest: Digest(bytes: digest), bundle: try row.bytes(2), createdAt: createdAt)
        }
        let plan = LegacyRunBackfill.plan(rows)
        for update in plan.updates {
            try db.execute("UPDATE jobs SET commitment = $2, run_key = $3 WHERE id = $1",
                           [.text(update.id), .bytes(update.commitment.bytes), update.runKey.map { .bytes($0.bytes) } ?? .null])
        }
        for evidence in plan.evidence {
            try db.execute("""
                INSERT INTO equivocations (job_id, commitment, digest, submitted_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (job_id, commitment) DO NOTHING
                """, [.text(evidence.jobID), .bytes(evidence.commitment.bytes), .bytes(evidence.digest.bytes),
                      .int64(evidence.submittedAt)])
        }
    }

    /// Reads one row selected with `jobColumns`, refusing values the schema should have excluded.
    static func decodeJob(_ row: PostgresRow) throws -> Job {
        guard let id = try row.text(0) else { throw JobStoreError.corruptRow(id: "?", column: "id") }
        func corrupt(_ column: String) -> JobStoreError { .corruptRow(id: id, column: column) }
        guard let digestBytes = try row.bytes(1), digestBytes.count == 32 else { throw corrupt("digest") }
        guard let beacon = try row.bytes(4), beacon.count == JobSubmission.beaconByteCount else { throw corrupt("beacon") }
        guard let sourceName = try row.text(17), let source = ChallengeBeacon.Source(rawValue: sourceName) else {
            throw corrupt("beacon_source")
        }
        guard let statusName = try row.text(5), let status = JobStatus(rawValue: statusName) else {
            throw corrupt("status")
        }
        guard let createdAt = try date(row, 6), let updatedAt = try date(row, 7) else { throw corrupt("created_at") }
        guard let attempts = try row.int64(12) else { throw corrupt("attempts") }
        return Job(
            id: id, digest: Digest(bytes: digestBytes), commitment: try digest(row, 3), runKey: try digest(row, 16),
            bundle: try row.bytes(2), beacon: ChallengeBeacon(Digest(bytes: beacon), source: source),
            status: status, createdAt: createdAt, updatedAt: updatedAt,
            startedAt: try date(row, 8), finishedAt: try date(row, 9),
            leaseOwner: try row.text(10), leaseExpiresAt: try date(row, 11), attempts: Int(attempts),
            lastError: try row.text(13), report: try row.text(14), attestation: try row.text(15),
            eip712: try row.text(18))
    }

    private static func digest(_ row: PostgresRow, _ index: Int) throws -> Digest? {
        guard let bytes = try row.bytes(index), bytes.count == 32 else { return nil }
        return Digest(bytes: bytes)
    }

    private static func date(_ row: PostgresRow, _ index: Int) throws -> Date? {
        try row.int64(index).map(StoredTime.date(milliseconds:))
    }
}
