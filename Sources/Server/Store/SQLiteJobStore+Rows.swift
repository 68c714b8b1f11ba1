internal import Foundation
internal import Verification

extension SQLiteJobStore {
    /// The columns `decodeJob` reads, in its order.
    static let jobColumns = """
        id, digest, bundle, bundle_location, beacon, status, created_at, updated_at, started_at,
        finished_at, lease_owner, lease_expires_at, attempts, last_error, report, attestation
        """

    static func fetch(_ db: SQLiteConnection, id: String) throws -> Job? {
        try db.query("SELECT \(jobColumns) FROM jobs WHERE id = ?1", [.text(id)]) { row in
            try decodeJob(row)
        }.first
    }

    /// Reads one row selected with `jobColumns`, refusing values the schema should have excluded.
    static func decodeJob(_ row: SQLiteStatement) throws -> Job {
        guard case .text(let id) = row.column(0) else { throw JobStoreError.corruptRow(id: "?", column: "id") }
        func corrupt(_ column: String) -> JobStoreError { .corruptRow(id: id, column: column) }
        guard case .blob(let digestBytes) = row.column(1), digestBytes.count == 32 else { throw corrupt("digest") }
        guard case .blob(let beacon) = row.column(4), beacon.count == JobSubmission.beaconByteCount else {
            throw corrupt("beacon")
        }
        guard case .text(let statusName) = row.column(5), let status = JobStatus(rawValue: statusName) else {
            throw corrupt("status")
        }
        guard let createdAt = date(row.column(6)), let updatedAt = date(row.column(7)) else { throw corrupt("created_at") }
        guard case .integer(let attempts) = row.column(12) else { throw corrupt("attempts") }
        return Job(
            id: id, digest: Digest(bytes: digestBytes), bundle: blob(row.column(2)), bundleLocation: text(row.column(3)),
            beacon: beacon, status: status, createdAt: createdAt, updatedAt: updatedAt,
            startedAt: date(row.column(8)), finishedAt: date(row.column(9)),
            leaseOwner: text(row.column(10)), leaseExpiresAt: date(row.column(11)), attempts: Int(attempts),
            lastError: text(row.column(13)), report: text(row.column(14)), attestation: text(row.column(15)))
    }

    /// Timestamps are stored as whole milliseconds since 1970 (UTC), rounded down.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func milliseconds(seconds: Double) -> Int64 {
        Int64((seconds * 1000).rounded(.up))
    }

    private static func date(_ value: SQLiteValue) -> Date? {
        guard case .integer(let ms) = value else { return nil }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    private static func text(_ value: SQLiteValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }

    private static func blob(_ value: SQLiteValue) -> [UInt8]? {
        if case .blob(let bytes) = value { return bytes }
        return nil
    }
}
