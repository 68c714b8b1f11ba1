internal import CSQLite

/// A value bound to, or read from, a SQLite statement.
enum SQLiteValue: Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

// SQLITE_TRANSIENT is a C macro (a cast of -1) that Swift does not import: it tells SQLite
// to copy bound bytes, since Swift array storage is only valid during the call.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One compiled statement, owned and cached by a `SQLiteConnection`.
///
/// Not thread-safe: used only while the owning connection's lock is held.
final class SQLiteStatement {
    let sql: String
    private let handle: OpaquePointer
    private let database: OpaquePointer

    init(sql: String, database: OpaquePointer) throws(SQLiteError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw .prepare(sql: sql, code: rc & 0xff, extendedCode: sqlite3_extended_errcode(database),
                           message: String(cString: sqlite3_errmsg(database)))
        }
        self.sql = sql
        self.handle = statement
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to parameters 1...n.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let number): rc = sqlite3_bind_int64(handle, index, number)
            case .text(let text): rc = sqlite3_bind_text(handle, index, text, -1, transient)
            case .blob(let bytes):
                // A zero-length blob must stay a blob, not NULL: bind_zeroblob keeps the type.
                rc = bytes.isEmpty ? sqlite3_bind_zeroblob(handle, index, 0)
                    : bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
            case .null: rc = sqlite3_bind_null(handle, index)
            }
            guard rc == SQLITE_OK else {
                throw .bind(sql: sql, index: index, code: rc & 0xff, extendedCode: sqlite3_extended_errcode(database),
                            message: String(cString: sqlite3_errmsg(database)))
            }
        }
    }

    /// Advances to the next row; returns false when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError.execute(sql: sql, code: rc & 0xff, extendedCode: sqlite3_extended_errcode(database),
                                            message: String(cString: sqlite3_errmsg(database)))
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Releases the statement's read snapshot and bound copies once the caller is done with it.
    func finish() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The value of column `index` (0-based) of the current row.
    func column(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_NULL: return .null
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let base = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        default:
            guard let text = sqlite3_column_text(handle, index) else { return .null }
            return .text(String(cString: text))
        }
    }
}
