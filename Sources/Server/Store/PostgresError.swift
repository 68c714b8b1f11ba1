/// A failed PostgreSQL call, carrying the server's SQLSTATE and message where there is one.
///
/// `unavailable` is the one a caller acts on: the database cannot be reached or dropped the
/// connection (SQLSTATE class 08, or 57P01-57P03 during a shutdown or restart). The service
/// answers 503 and the store reconnects on a later call. Everything else is `server`: the
/// database answered and refused the statement (e.g. 23505 unique violation, 42601 syntax).
enum PostgresError: Error, Equatable, CustomStringConvertible {
    /// The database is unreachable or the connection broke; `sqlstate` is nil when libpq
    /// failed before the server said anything (connection refused, socket closed).
    case unavailable(sqlstate: String?, message: String)
    /// The server refused a statement with this SQLSTATE (five characters) and message.
    case server(sqlstate: String, message: String)
    /// A result had a shape this code did not ask for (column count, type or NULL).
    case unexpectedResult(column: Int, message: String)
    /// The database URL is not a `postgres://` or `postgresql://` URL libpq accepts. Carries
    /// the URL's scheme or libpq's complaint, never the URL itself (it may hold a password).
    case invalidURL(String)

    /// True for SQLSTATEs that mean the connection, not the statement, failed: class 08
    /// (connection exception) and 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
    /// connect now (the server is starting or stopping).
    static func isConnectionFailure(sqlstate: String) -> Bool {
        sqlstate.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlstate)
    }

    /// True when the database could not be reached; the service maps this to 503.
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// The server's SQLSTATE, when it sent one.
    var sqlstate: String? {
        switch self {
        case .unavailable(let sqlstate, _): return sqlstate
        case .server(let sqlstate, _): return sqlstate
        case .unexpectedResult, .invalidURL: return nil
        }
    }

    var description: String {
        switch self {
        case .unavailable(let sqlstate, let message):
            return "postgres unavailable: sqlstate=\(sqlstate ?? "none") \(message)"
        case .server(let sqlstate, let message): return "postgres error: sqlstate=\(sqlstate) \(message)"
        case .unexpectedResult(let column, let message): return "postgres result column \(column): \(message)"
        case .invalidURL(let url): return "invalid postgres URL: \(url)"
        }
    }
}
