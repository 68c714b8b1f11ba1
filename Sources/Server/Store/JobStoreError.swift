/// A store failure that is not a database driver error.
enum JobStoreError: Error, Equatable, CustomStringConvertible {
    /// A caller-supplied beacon did not have 32 bytes.
    case invalidBeacon(byteCount: Int)
    /// The database was migrated by a newer build than this one understands.
    case schemaTooNew(found: Int, supported: Int)
    /// A stored row holds a value this build cannot read (e.g. an unknown status).
    case corruptRow(id: String, column: String)
    /// A policy field is outside its allowed range.
    case invalidPolicy(field: String, value: String)

    var description: String {
        switch self {
        case .invalidBeacon(let count): return "beacon must have 32 bytes, got \(count)"
        case .schemaTooNew(let found, let supported):
            return "database schema version \(found) is newer than this build supports (\(supported))"
        case .corruptRow(let id, let column): return "job \(id): unreadable column \(column)"
        case .invalidPolicy(let field, let value): return "invalid store policy: \(field)=\(value)"
        }
    }
}
