/// The lifecycle of one connection: what it waits for, and until when.
///
/// A value type whose transitions are the only way to change state, in the manner of the
/// request parser: the event loop reports what happened (bytes arrived, a response was queued,
/// the output drained, the peer closed, time passed) and carries out what the transitions
/// return, so every deadline rule is tested without sockets. Instants are `Duration`s since the
/// monotonic clock's origin (`Syscall.now()`).
/// A transition from a state it does not apply to is a bug in the event loop (a precondition).
struct ConnectionStateMachine: Sendable {
    /// The deadlines of `HTTPServerConfiguration` (negative ones count as zero).
    struct Timeouts: Sendable, Hashable {
        /// Idle keep-alive connection; client not reading a response.
        var idle: Duration
        /// First byte of a request to the end of its head.
        var header: Duration
        /// First byte of a request to the end of its body.
        var request: Duration
        /// Head to the point where the minimum body rate applies.
        var bodyGrace: Duration
        /// Minimum average body rate in bytes per second; 0 for none.
        var minBodyBytesPerSecond: Int
        /// How long a closing connection discards input before it is closed.
        var linger: Duration

        init(_ configuration: HTTPServerConfiguration, linger: Duration) {
            idle = max(configuration.idleTimeout, .zero)
            header = max(configuration.headerTimeout, .zero)
            request = max(configuration.requestTimeout, .zero)
            bodyGrace = max(configuration.bodyRateGracePeriod, .zero)
            minBodyBytesPerSecond = configuration.minBodyBytesPerSecond
            self.linger = linger
        }
    }

    enum State: Sendable, Equatable {
        /// Waiting for the first byte of a request (a new or keep-alive connection) since `since`.
        case idle(since: Duration)
        /// Part of a request head has arrived; the request's first byte came at `startedAt`.
        case readingHead(startedAt: Duration)
        /// The head was admitted at `bodyStartedAt`; `received` body bytes have arrived.
        case readingBody(startedAt: Duration, bodyStartedAt: Duration, received: Int)
        /// A worker runs (or will run) the handler of the current request; nothing is read.
        case waitingForWork
        /// Waiting for the client to take a response (a stream, or more than the pending-output
        /// limit) since the last progress at `since`; then closes when `closeAfter`.
        case writing(since: Duration, closeAfter: Bool)
        /// The write side is shut; input is discarded until the peer closes or `until`.
        case closing(until: Duration)
        case closed
    }

    /// What a passed deadline asks the event loop to do.
    enum TimeoutAction: Sendable, Equatable {
        case none
        /// Close the connection (nothing is owed to the client).
        case close
        /// Answer 408 with this detail, then close.
        case requestTimeout(String)
    }

    let timeouts: Timeouts
    private(set) var state: State

    /// The deadline of a state without one: later than any instant the clock reaches.
    static let never = Duration.seconds(Int64.max)

    init(timeouts: Timeouts, now: Duration) {
        self.timeouts = timeouts
        state = .idle(since: now)
    }

    /// Whether the event loop reads from the socket in this state.
    var readsInput: Bool {
        switch state {
        case .idle, .readingHead, .readingBody, .closing: true
        case .waitingForWork, .writing, .closed: false
        }
    }

    /// Whether a finished response must be sent completely before the connection moves on
    /// (it closes after it).
    var closesAfterOutput: Bool {
        if case .writing(_, true) = state { true } else { false }
    }

    /// The last instant the current state may last; `timedOut(at:)` acts after it.
    var deadline: Duration {
        switch state {
        case .idle(let since), .writing(let since, _):
            return since + timeouts.idle
        case .readingHead(let startedAt):
            return startedAt + min(timeouts.header, timeouts.request)
        case .readingBody(let startedAt, let bodyStartedAt, let received):
            return min(startedAt + timeouts.request, rateDeadline(bodyStartedAt: bodyStartedAt, received: received))
        case .closing(let until):
            return until
        case .waitingForWork, .closed:
            return Self.never
        }
    }

    /// When a body of `received` bytes started at `bodyStartedAt` falls below the minimum rate:
    /// the grace period plus the time the bytes take at that rate.
    private func rateDeadline(bodyStartedAt: Duration, received: Int) -> Duration {
        guard timeouts.minBodyBytesPerSecond > 0 else { return Self.never }
        return bodyStartedAt + timeouts.bodyGrace + .seconds(received) / timeouts.minBodyBytesPerSecond
    }

    /// Request bytes arrived: an idle connection starts reading a head.
    mutating func bytesArrived(at now: Duration) {
        switch state {
        case .idle: state = .readingHead(startedAt: now)
        case .readingHead, .readingBody, .closing: break
        default: preconditionFailure("bytes read in state \(state)")
        }
    }

    /// The head was admitted and its body follows.
    mutating func bodyAdmitted(at now: Duration) {
        guard case .readingHead(let startedAt) = state else { preconditionFailure("body admitted in state \(state)") }
        state = .readingBody(startedAt: startedAt, bodyStartedAt: now, received: 0)
    }

    /// The body has reached `received` bytes.
    mutating func bodyProgressed(to received: Int) {
        guard case .readingBody(let startedAt, let bodyStartedAt, _) = state else { return }
        state = .readingBody(startedAt: startedAt, bodyStartedAt: bodyStartedAt, received: received)
    }

    /// The request was handed to a worker pool.
    mutating func handedToWorker() {
        switch state {
        case .readingHead, .readingBody: state = .waitingForWork
        default: preconditionFailure("request handed to a worker in state \(state)")
        }
    }

    /// A response was queued. With `keepAlive` and nothing making it wait for the client
    /// (`mustDrain`: a stream, or more output than the pending limit), the connection reads on at
    /// once: the next request if part of one is buffered (`requestBuffered`), else idle.
    /// Otherwise it is `writing` until `outputDrained`.
    mutating func responseQueued(at now: Duration, keepAlive: Bool, mustDrain: Bool, requestBuffered: Bool) {
        switch state {
        case .idle, .readingHead, .readingBody, .waitingForWork:
            if keepAlive && !mustDrain {
                state = requestBuffered ? .readingHead(startedAt: now) : .idle(since: now)
            } else {
                state = .writing(since: now, closeAfter: !keepAlive)
            }
        default:
            preconditionFailure("response queued in state \(state)")
        }
    }

    /// Some output was sent: a writing connection's stall clock restarts.
    mutating func outputProgressed(at now: Duration) {
        if case .writing(_, let closeAfter) = state { state = .writing(since: now, closeAfter: closeAfter) }
    }

    /// A writing connection's response was taken (all of it when it closes after it). Returns
    /// true when the write side must now be shut: the connection lingers until `closing` ends.
    mutating func outputDrained(at now: Duration, requestBuffered: Bool) -> Bool {
        guard case .writing(_, let closeAfter) = state else { preconditionFailure("output drained in state \(state)") }
        if closeAfter {
            state = .closing(until: now + timeouts.linger)
            return true
        }
        state = requestBuffered ? .readingHead(startedAt: now) : .idle(since: now)
        return false
    }

    /// The peer closed or half-closed its side. Returns true when the connection should close
    /// now: nothing more can arrive to finish a request, and a client that leaves while its
    /// request waits for or runs on a worker is gone. A response still being sent
    /// (`outputPending`, or the `writing` state) is finished first, then the connection closes.
    mutating func peerClosed(at now: Duration, outputPending: Bool) -> Bool {
        switch state {
        case .writing(let since, _):
            state = .writing(since: since, closeAfter: true)
            return false
        case .idle, .readingHead, .readingBody:
            guard outputPending else { break }
            state = .writing(since: now, closeAfter: true)
            return false
        default:
            break
        }
        state = .closed
        return true
    }

    /// What the deadline asks for at `now`; nothing before it.
    func timedOut(at now: Duration) -> TimeoutAction {
        guard now > deadline else { return .none }
        switch state {
        case .idle, .writing, .closing:
            return .close
        case .readingHead:
            return .requestTimeout("request head not received in time")
        case .readingBody(let startedAt, _, _):
            if now > startedAt + timeouts.request { return .requestTimeout("request not received in time") }
            return .requestTimeout("request body arrives slower than \(timeouts.minBodyBytesPerSecond) bytes per second")
        case .waitingForWork, .closed:
            return .none
        }
    }

    /// The deadline by which this connection may be closed to make room for a new one at the
    /// connection cap, or nil when it must not be: only idle connections and requests still
    /// being read qualify (never one a worker runs or one being answered).
    var evictionDeadline: Duration? {
        switch state {
        case .idle, .readingHead, .readingBody: deadline
        default: nil
        }
    }

    /// The connection was closed.
    mutating func close() {
        state = .closed
    }
}
