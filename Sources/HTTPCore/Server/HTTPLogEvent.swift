/// Something the server reports to its owner's logger; one event is one log line.
public enum HTTPLogEvent: Sendable, Equatable {
    /// The server accepts connections.
    case listening(host: String, port: Int)
    /// One request was answered (or refused). `method` and `path` are "-" when the request
    /// could not be parsed; `route` is the router pattern the path fits (e.g. `/v1/items/{id}`,
    /// a bounded label for metrics), nil when it fits none; `duration` runs from the end of the
    /// request to the queued response.
    case request(method: String, path: String, route: String?, status: Int, duration: Duration)
    /// A handler threw an error that is not an `HTTPError`; the client got a bare 500.
    case handlerFailed(method: String, path: String, error: String)
    /// A system call failed outside any one connection (e.g. accept).
    case ioFailed(String)
    /// Graceful shutdown began, with the number of open connections.
    case shuttingDown(openConnections: Int)
    /// Every I/O thread has stopped.
    case stopped
}

/// Receives the server's log events; called from I/O and worker threads, so it must be thread-safe.
public typealias HTTPLogger = @Sendable (HTTPLogEvent) -> Void
