internal import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe: `SQLiteJobStore` guards it with a lock. Opened with `SQLITE_OPEN_NOMUTEX`
/// because that lock already serialises every call.
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens the database at `path` (creating it when `create` is set and it is missing),
    /// waiting up to `busyTimeout` (whole milliseconds, at most `Int32.max`) for locks held by
    /// other connections before a call fails with `SQLITE_BUSY`.
    init(path: String, busyTimeout: Duration, create: Bool = true) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(db)
            throw .open(path: path, code: rc & 0xff, extendedCode: extended, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(clamping: busyTimeout.wholeMilliseconds))
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters (pragmas, DDL, BEGIN/COMMIT).
    func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw .execute(sql: sql, code: rc & 0xff, extendedCode: sqlite3_extended_errcode(handle), message: message)
        }
    }

    /// Runs a statement to completion and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let statement = try prepared(sql)
        try statement.bind(values)
        defer { statement.finish() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row with `row`.
    func query<Row>(_ sql: String, _ values: [SQLiteValue] = [],
                    row: (SQLiteStatement) throws -> Row) throws -> [Row] {
        let statement = try prepared(sql)
        try statement.bind(values)
        defer { statement.finish() }
        var rows: [Row] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// Runs `body` inside `BEGIN IMMEDIATE ... COMMIT`, rolling back if it throws.
    ///
    /// IMMEDIATE takes the database's write lock up front (waiting up to the busy timeout), so
    /// a read-then-write inside `body` cannot interleave with another process's writer, and a
    /// WAL reader never has to upgrade a stale snapshot (which fails at once with BUSY_SNAPSHOT).
    func immediateTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // The rollback's own failure would hide the cause; the connection stays usable
            // because SQLite ends the transaction itself when ROLLBACK cannot.
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        let statement = try SQLiteStatement(sql: sql, database: handle)
        statements[sql] = statement
        return statement
    }
}
