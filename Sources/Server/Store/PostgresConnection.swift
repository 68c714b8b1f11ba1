internal import Foundation
internal import CPQ

/// One libpq connection. Not thread-safe: `PostgresConnectionPool` lends it to one caller at a time.
///
/// Every data statement goes through `PQexecParams` with binary parameters and binary results;
/// only fixed schema scripts (migrations) use the simple-query protocol.
final class PostgresConnection {
    /// How long libpq waits for the server when connecting, unless the URL sets
    /// `connect_timeout` itself (whole seconds). Default 5 s.
    static let defaultConnectTimeout: Duration = .seconds(5)

    private let handle: OpaquePointer

    /// Connects to `url` (`postgres://user:password@host:port/database?options`, any libpq
    /// connection URI). Throws `unavailable` when the server cannot be reached or refuses us.
    init(url: String) throws(PostgresError) {
        // Defaults come before the URL: with expand_dbname the URL's own keys override them.
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = [String(Self.defaultConnectTimeout.components.seconds), "verifier", url]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else { throw .unavailable(sqlstate: nil, message: "libpq: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw .unavailable(sqlstate: nil, message: message)
        }
        handle = connection
        // libpq prints server notices (e.g. "relation already exists, skipping") to stderr by
        // default; the store has nothing to tell the operator about them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Throws `invalidURL` with libpq's complaint unless libpq can parse `url` as connection
    /// options (syntax only: host, port and credentials are checked when connecting).
    static func validate(url: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(errorMessage)
            throw .invalidURL(message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        PQconninfoFree(options)
    }

    /// False when the connection is broken or not idle. An idle connection has nothing to
    /// read; if its socket is readable, the server sent something unasked, in practice a
    /// termination notice before closing it (shutdown, restart, admin kill), so it is
    /// treated as broken rather than used for one more failing statement.
    var isHealthy: Bool {
        guard PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else { return false }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Runs one parameterised statement (`$1`, `$2`, ...) and returns its rows and the number
    /// of rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> (rows: [PostgresRow], affected: Int) {
        let types = parameters.map(\.oid)
        let formats = [Int32](repeating: 1, count: parameters.count)
        let buffers = parameters.map(\.wireBytes)
        let lengths = buffers.map { Int32($0?.count ?? 0) }
        // libpq reads parameter bytes only during the call; keep each buffer alive across it.
        let storage = buffers.map { bytes -> UnsafeMutablePointer<CChar>? in
            guard let bytes else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(pointer).copyMemory(from: raw.baseAddress ?? UnsafeRawPointer(pointer),
                                                            byteCount: raw.count)
            }
            return pointer
        }
        defer { storage.forEach { $0?.deallocate() } }
        let values = storage.map { UnsafePointer($0) }
        let result = PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 1)
        return try consume(result)
    }

    /// Runs fixed SQL without parameters, possibly several statements (schema scripts).
    func executeScript(_ sql: String) throws(PostgresError) {
        _ = try consume(PQexec(handle, sql))
    }

    /// Runs `body` inside `BEGIN ... COMMIT`, rolling back if it throws.
    func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try executeScript("BEGIN")
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            // The rollback's own failure would hide the cause. If it fails the connection is
            // not idle, `isHealthy` turns false and the pool discards it.
            try? executeScript("ROLLBACK")
            throw error
        }
    }

    /// Turns a result into rows, or into the error it reports; frees it either way.
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> (rows: [PostgresRow], affected: Int) {
        guard let result else {
            throw .unavailable(sqlstate: nil, message: Self.trimmed(PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            let rows = (0..<PQntuples(result)).map { PostgresRow(result: result, row: $0) }
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return (rows, affected)
        default:
            let sqlstate = PQresultErrorField(result, CPQ_DIAG_SQLSTATE).map { String(cString: $0) }
            let message = Self.trimmed(PQresultErrorMessage(result))
            if PQstatus(handle) != CONNECTION_OK || sqlstate.map(PostgresError.isConnectionFailure) ?? true {
                throw .unavailable(sqlstate: sqlstate, message: message)
            }
            throw .server(sqlstate: sqlstate ?? "", message: message)
        }
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withCStrings<Result>(_ strings: [String],
                                             _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result) -> Result {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
