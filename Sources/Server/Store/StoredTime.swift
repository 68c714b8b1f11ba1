internal import Foundation

/// How both stores keep timestamps: whole milliseconds since 1970 (UTC), rounded down, in an
/// INTEGER (SQLite) or bigint (PostgreSQL) column, so both round-trip the same `Date`s.
enum StoredTime {
    /// `date` as stored.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The `Date` a stored value stands for.
    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
