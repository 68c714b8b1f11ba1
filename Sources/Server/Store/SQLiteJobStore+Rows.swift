internal import Foundation
internal import Verification

extension SQLiteJobStore {
    /// The columns `decodeJob` reads, in its order.
    static let jobColumns = """
        id, digest, bundle, commitment, beacon, status, created_at, updated_at, started_at,
        finished_at, lease_owner, lease_expires_at, attempts, last_error, report, attestation, run_key, beacon_source, eip712
        """

    static func fetch(_ db: SQLiteConnection, id: String) throws -> Job? {
        try db.query("SELECT \(jobColumns) FROM jobs WHERE id = ?1", [.text(id)]) { row in
            try decodeJob(row)
        }.first
    }

    /// The job that holds run `runKey`, if any.
    static func fetch(_ db: SQLiteConnection, runKey: Digest) throws -> Job? {
        try db.query("SELECT \(jobColumns) FROM jobs WHERE run_key = ?1", [.blob(runKey.bytes)]) { row in
            try decodeJob(row)
        }.first
    }

    /// Schema version 3's rewrite: binds the jobs stored before it to their runs (`LegacyRunBackfill`).
    @Sendable static func backfillRuns(_ db: SQLiteConnection) throws {
        let rows = try db.query("SELECT id, digest, bundle, created_at FROM jobs") { row -> LegacyRunBackfill.Row in
            guard case .text(let id) = row.column(0), case .blob(let digest) = row.column(1), digest.count == 32,
                  case .integer(let createdAt) = row.column(3) else {
                throw JobStoreError.corruptRow(id: "?", column: "digest")
            }
            return .init(id: id, digest: Digest(bytes: digest), bundle: blob(row.column(2)), createdAt: createdAt)
        }
        let plan = LegacyRunBackfill.plan(rows)
        for update in plan.updates {
            try db.run("UPDATE jobs SET commitment = ?2, run_key = ?3 WHERE id = ?1",
                       [.text(update.id), .blob(update.commitment.bytes), update.runKey.map { .blob($0.bytes) } ?? .null])
        }
        for evidence in plan.evidence {
            try db.run("""
                INSERT INTO equivocations (job_id, commitment, digest, submitted_at) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (job_id, commitment) DO NOTHING
                """, [.text(evidence.jobID), .blob(evidence.commitment.bytes), .blob(evidence.digest.bytes),
                      .integer(evidence.submittedAt)])
        }
    }

    /// Reads one row selected with `jobColumns`, refusing values the schema should have excluded.
    static func decodeJob(_ row: SQLiteStatement) throws -> Job {
        guard case .text(let id) = row.column(0) else { throw JobStoreError.corruptRow(id: "?", column: "id") }
        func corrupt(_ column: String) -> JobStoreError { .corruptRow(id: id, column: column) }
        guard case .blob(let digestBytes) = row.column(1), digestBytes.count == 32 else { throw corrupt("digest") }
        guard case .blob(let beacon) = row.column(4), beacon.count == JobSubmission.beaconByteCount else {
            throw corrupt("beacon")
        }
        guard case .text(let sourceName) = row.column(17), let source = ChallengeBeacon.Source(rawValue: sourceName) else {
            throw corrupt("beacon_source")
        }
        guard case .text(let statusName) = row.column(5), let status = JobStatus(rawValue: statusName) else {
            throw corrupt("status")
        }
        guard let createdAt = date(row.column(6)), let updatedAt = date(row.column(7)) else { throw corrupt("created_at") }
        guard case .integer(let attempts) = row.column(12) else { throw corrupt("attempts") }
        return Job(
            id: id, digest: Digest(bytes: digestBytes), commitment: digest(row.column(3)), runKey: digest(row.column(16)),
            bundle: blob(row.column(2)), beacon: ChallengeBeacon(Digest(bytes: beacon), source: source),
            status: status, createdAt: createdAt, updatedAt: updatedAt,
            startedAt: date(row.column(8)), finishedAt: date(row.column(9)),
            leaseOwner: text(row.column(10)), leaseExpiresAt: date(row.column(11)), attempts: Int(attempts),
            lastError: text(row.column(13)), report: text(row.column(14)), attestation: text(row.column(15)),
            eip712: text(row.column(18)))
    }

    private static func date(_ value: SQLiteValue) -> Date? {
        guard case .integer(let ms) = value else { return nil }
        return StoredTime.date(milliseconds: ms)
    }

    private static func text(_ value: SQLiteValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }

    private static func digest(_ value: SQLiteValue) -> Digest? {
        if case .blob(let bytes) = value, bytes.count == 32 { return Digest(bytes: bytes) }
        return nil
    }

    private static func blob(_ value: SQLiteValue) -> [UInt8]? {
        if case .blob(let bytes) = value { return bytes }
        return nil
    }
}
