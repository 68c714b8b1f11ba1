/// One client connection, owned by one I/O thread: its socket, parser, output and lifecycle.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor number.
    let serial: UInt64
    /// Whether it counts toward `maxConnections` (a connection refused with 503 does not).
    let counted: Bool
    var parser: HTTPRequestParser
    /// What the connection waits for and until when; changed only through its transitions.
    var machine: ConnectionStateMachine
    /// Response bytes not yet sent; `outputOffset` of them already were.
    var output: [UInt8] = []
    var outputOffset = 0
    /// A streamed body still producing, with its framing (chunked or until close).
    var stream: HTTPBodyStream?
    var streamFraming = ResponseEncoder.Framing.chunked
    /// Parsing stopped at a request boundary while the connection was busy; resume when it reads again.
    var resumeParsing = false
    /// Bytes discarded while closing.
    var lingerBytes = 0
    /// The request whose body is being read, routed from its head.
    var admitted: AdmittedRequest?
    /// The body memory of the current request, held from admission until its handler is done.
    var reservation: BodyReservation?
    /// Whether the client is still there, shared with handlers on worker threads; made at the
    /// first request handed to a worker.
    var presence: ClientPresence?
    /// The epoll events currently registered.
    var events: UInt32

    init(fd: Int32, serial: UInt64, counted: Bool, limits: HTTPRequestParser.Limits,
         timeouts: ConnectionStateMachine.Timeouts, now: Duration, events: UInt32) {
        self.fd = fd
        self.serial = serial
        self.counted = counted
        self.parser = HTTPRequestParser(limits: limits)
        self.machine = ConnectionStateMachine(timeouts: timeouts, now: now)
        self.events = events
    }

    var pendingOutput: Int { output.count - outputOffset }

    var isClosed: Bool { machine.state == .closed }

    /// Idle with nothing left to send: shutdown closes such connections at once.
    var isIdle: Bool {
        if case .idle = machine.state { pendingOutput == 0 && stream == nil } else { false }
    }

    /// Whether a queued response makes the connection wait for the client before reading on.
    func mustDrain(maxPendingOutput: Int) -> Bool {
        stream != nil || pendingOutput > maxPendingOutput
    }
}

/// A request whose head was routed and whose body is being read.
struct AdmittedRequest {
    var route: Router.Route
    var parameters: [String: String]
    var info: RequestInfo
    /// The body is chunked, so its memory is reserved ahead of each read rather than at once.
    var chunked: Bool
}

/// What the server remembers of a request while producing its response.
struct RequestInfo: Sendable {
    var method: HTTPMethod
    var path: String
    /// The route pattern the path fits (also when the method is not allowed); nil when none does.
    var route: String? = nil
    var version: HTTPVersion
    var keepAlive: Bool
    /// When the request's first byte was read, on the monotonic clock (`Syscall.now()`).
    var receivedAt: Duration

    /// For requests refused before their method and path were known.
    static func unparsed(at time: Duration) -> RequestInfo {
        RequestInfo(method: HTTPMethod(rawValue: "-"), path: "-", version: .http1_1, keepAlive: false, receivedAt: time)
    }
}
