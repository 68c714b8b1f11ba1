/// The state of one client connection, owned by one I/O thread.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor number.
    let serial: UInt64
    /// Whether it counts toward `maxConnections` (a connection refused with 503 does not).
    let counted: Bool
    var parser: HTTPRequestParser
    /// Response bytes not yet sent; `outputOffset` of them already were.
    var output: [UInt8] = []
    var outputOffset = 0
    /// A streamed body still producing, with its framing (chunked or until close).
    var stream: HTTPBodyStream?
    var streamFraming = ResponseEncoder.Framing.chunked
    /// A heavy handler runs for this connection's current request.
    var awaitingWorker = false
    /// The request whose body is being read, routed from its head.
    var admitted: AdmittedRequest?
    /// The body memory of the current request, held from admission until its handler is done.
    var reservation: BodyReservation?
    /// Whether the client is still there, shared with handlers on worker threads; made at the
    /// first request handed to a worker.
    var presence: ClientPresence?
    /// Parsing stopped at a request boundary because the connection was busy; resume later.
    var resumeParsing = false
    /// Close once the output is sent (Connection: close, an error, shutdown).
    var closeAfterOutput = false
    /// The peer shut down its sending side.
    var peerClosed = false
    /// Write side shut down; reading and discarding until the peer closes or the linger ends.
    var lingering = false
    var lingerBytes = 0
    var closed = false
    /// The epoll events currently registered.
    var events: UInt32
    /// When the first byte of the current request arrived (monotonic ns), 0 when none has.
    var requestStartedAt: UInt64 = 0
    /// When this connection times out (monotonic ns).
    var deadline: UInt64 = .max

    init(fd: Int32, serial: UInt64, counted: Bool, limits: HTTPRequestParser.Limits, events: UInt32) {
        self.fd = fd
        self.serial = serial
        self.counted = counted
        self.parser = HTTPRequestParser(limits: limits)
        self.events = events
    }

    var pendingOutput: Int { output.count - outputOffset }

    /// Nothing in progress: no partial request, no handler, nothing left to send.
    var isIdle: Bool {
        !awaitingWorker && stream == nil && pendingOutput == 0 && !parser.hasPartialRequest
    }

    /// Busy connections parse no further requests, which keeps responses in request order and
    /// keeps a slow reader from making the server buffer without bound.
    func isBusy(maxPendingOutput: Int) -> Bool {
        awaitingWorker || stream != nil || pendingOutput > maxPendingOutput
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
    var receivedAt: UInt64

    /// For requests refused before their method and path were known.
    static func unparsed(at time: UInt64) -> RequestInfo {
        RequestInfo(method: HTTPMethod(rawValue: "-"), path: "-", version: .http1_1, keepAlive: false, receivedAt: time)
    }
}
