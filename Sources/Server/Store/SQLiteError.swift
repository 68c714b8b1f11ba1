internal import CSQLite

/// A failed SQLite call, carrying the primary and extended result codes and SQLite's message.
///
/// `code` is the primary result code (`SQLITE_BUSY` = 5, `SQLITE_CONSTRAINT` = 19, ...);
/// `extendedCode` refines it (`SQLITE_CONSTRAINT_PRIMARYKEY` = 1555, ...). Extended codes are
/// enabled on every connection, so both are always filled.
enum SQLiteError: Error, Equatable, CustomStringConvertible {
    /// `sqlite3_open_v2` failed for `path`.
    case open(path: String, code: Int32, extendedCode: Int32, message: String)
    /// Compiling `sql` failed.
    case prepare(sql: String, code: Int32, extendedCode: Int32, message: String)
    /// Binding parameter `index` (1-based) of `sql` failed.
    case bind(sql: String, index: Int32, code: Int32, extendedCode: Int32, message: String)
    /// Running `sql` failed (a step, or `sqlite3_exec`).
    case execute(sql: String, code: Int32, extendedCode: Int32, message: String)

    /// The primary result code.
    var code: Int32 {
        switch self {
        case .open(_, let code, _, _), .prepare(_, let code, _, _),
             .bind(_, _, let code, _, _), .execute(_, let code, _, _):
            return code
        }
    }

    /// The extended result code.
    var extendedCode: Int32 {
        switch self {
        case .open(_, _, let code, _), .prepare(_, _, let code, _),
             .bind(_, _, _, let code, _), .execute(_, _, let code, _):
            return code
        }
    }

    /// SQLite's message for the failure.
    var message: String {
        switch self {
        case .open(_, _, _, let message), .prepare(_, _, _, let message),
             .bind(_, _, _, _, let message), .execute(_, _, _, let message):
            return message
        }
    }

    /// True when another connection held a lock for longer than the busy timeout.
    var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// True when a constraint (UNIQUE, CHECK, NOT NULL, ...) refused the statement.
    var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    var description: String {
        switch self {
        case .open(let path, let code, let extended, let message):
            return "sqlite open(\(path)) failed: code=\(code) extended=\(extended) \(message)"
        case .prepare(let sql, let code, let extended, let message):
            return "sqlite prepare failed: code=\(code) extended=\(extended) \(message) sql=\(sql)"
        case .bind(let sql, let index, let code, let extended, let message):
            return "sqlite bind ?\(index) failed: code=\(code) extended=\(extended) \(message) sql=\(sql)"
        case .execute(let sql, let code, let extended, let message):
            return "sqlite execute failed: code=\(code) extended=\(extended) \(message) sql=\(sql)"
        }
    }
}
