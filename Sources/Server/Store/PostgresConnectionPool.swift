internal import Dispatch
internal import Synchronization

/// A small pool of connections to one database, shared by many threads.
///
/// At most `capacity` connections exist; a caller beyond that waits for one to be returned.
/// Connections are opened lazily, so a pool created while the database is down works once it
/// is back. A connection that broke (or was left inside a transaction) is dropped instead of
/// returned, and a connection failure also drops every idle connection, since they lead to the
/// same server: after a restart the next call connects afresh instead of failing once per
/// stale connection.
final class PostgresConnectionPool: Sendable {
    /// Connections per pool unless the caller says otherwise. Default 4.
    static let defaultCapacity = 4

    let url: String
    let capacity: Int
    private let idle = Mutex<[IdleConnection]>([])
    private let slots: DispatchSemaphore

    /// A pool for `url` holding up to `capacity` (>= 1) connections; connects nothing yet.
    init(url: String, capacity: Int = PostgresConnectionPool.defaultCapacity) {
        precondition(capacity >= 1, "pool capacity must be at least 1, got \(capacity)")
        self.url = url
        self.capacity = capacity
        slots = DispatchSemaphore(value: capacity)
    }

    /// Runs `body` with a connection of its own, connecting first if no healthy idle one exists.
    /// Throws `PostgresError.unavailable` when the database cannot be reached.
    func withConnection<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
        slots.wait()
        defer { slots.signal() }
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch let error as PostgresError where error.isUnavailable {
            idle.withLock { $0.removeAll() }
            throw error
        } catch {
            checkIn(connection)
            throw error
        }
    }

    private func checkOut() throws(PostgresError) -> PostgresConnection {
        while let candidate = idle.withLock({ $0.popLast() }) {
            if candidate.connection.isHealthy { return candidate.connection }
        }
        return try PostgresConnection(url: url)
    }

    private func checkIn(_ connection: PostgresConnection) {
        guard connection.isHealthy else { return }
        idle.withLock { $0.append(IdleConnection(connection: connection)) }
    }
}

extension PostgresConnectionPool {
    /// A connection waiting in the pool; the pool lends it to one thread at a time.
    struct IdleConnection: @unchecked Sendable {
        let connection: PostgresConnection
    }
}
