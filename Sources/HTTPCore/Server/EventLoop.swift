internal import Glibc
internal import CLinux
internal import Synchronization
internal import Dispatch

/// One I/O thread: an epoll instance watching the shared listening socket, its own connections
/// and a wake-up eventfd. Idle connections cost a file descriptor and a little memory, no thread.
final class EventLoop: @unchecked Sendable {
    /// Messages from other threads, delivered through the mailbox and the eventfd.
    enum Message: Sendable {
        case completed(fd: Int32, serial: UInt64, info: RequestInfo, response: HTTPResponse)
        /// Take over a connection another loop accepted.
        case adopt(fd: Int32)
        /// Begin a graceful shutdown, then leave `acknowledged`.
        case shutdown(acknowledged: DispatchGroup)
    }

    /// Messages not yet taken; once the loop has stopped it is closed, and a message posted then
    /// is disposed of at once by the poster (a descriptor closed, a waiter released).
    private struct Mailbox: ~Copyable {
        var messages: [Message] = []
        var closed = false
    }

    let context: ServerContext
    let epfd: Int32
    let wakeFD: Int32
    private let mailbox = Mutex(Mailbox())
    var connections: [Connection?] = []
    var dateCache = DateCache()
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
    private var nextSerial: UInt64 = 0
    private(set) var liveCount = 0
    var shuttingDown = false
    private var shutdownDeadline = ConnectionStateMachine.never
    /// The listening socket was taken out of epoll after running out of descriptors.
    private var acceptPaused = false

    /// A loop of the same server; unowned because every loop refers to every other one.
    struct Peer {
        unowned let loop: EventLoop
    }

    /// All loops of the server, this one included; set before the loop's thread starts.
    var peers: [Peer] = []
    private var nextPeer = 0

    init(context: ServerContext) throws(IOError) {
        self.context = context
        epfd = try Syscall.blocking("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        wakeFD = try Syscall.blocking("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        try register(wakeFD, events: EPOLLIN.rawValue)
        // EPOLLEXCLUSIVE: a new connection wakes one loop, not all of them.
        try register(context.listener.fd, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
    }

    deinit {
        Syscall.close(wakeFD)
        Syscall.close(epfd)
        readBuffer.deallocate()
    }

    /// Hands `message` to this loop from any thread. After the loop has stopped the message is
    /// disposed of here instead: nothing posted late leaks or waits forever.
    func post(_ message: Message) {
        let delivered = mailbox.withLock { box in
            guard !box.closed else { return false }
            box.messages.append(message)
            return true
        }
        guard delivered else {
            Self.dispose(message, logger: context.logger)
            return
        }
        var one: UInt64 = 1
        _ = try? Syscall.call("write") { write(wakeFD, &one, 8) }
    }

    /// What a message means to a loop that no longer runs: an adopted descriptor is closed, a
    /// shutdown acknowledged, a response whose connection is gone logged as abandoned.
    private static func dispose(_ message: Message, logger: HTTPLogger) {
        switch message {
        case .adopt(let fd):
            Syscall.close(fd)
        case .shutdown(let acknowledged):
            acknowledged.leave()
        case .completed(_, _, let info, _):
            logAbandoned(info, logger: logger)
        }
    }

    /// Logs a request whose client left before its response: status 499, as nginx does.
    static func logAbandoned(_ info: RequestInfo, logger: HTTPLogger) {
        logger(.request(method: info.method.rawValue, path: info.path, route: info.route,
                        status: HTTPStatus.clientClosedRequest.code, duration: Syscall.now() - info.receivedAt))
    }

    /// Runs until shutdown has finished (all connections closed or the grace period over).
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var nextTick = Syscall.now() + context.tick
        let timeoutMs = Int32(context.tick / .milliseconds(1))
        while true {
            let n: Int32
            do {
                switch try Syscall.call("epoll_wait", { epoll_wait(epfd, &events, Int32(events.count), timeoutMs) }) {
                case .processed(let count): n = count
                case .wouldBlock: n = 0
                }
            } catch {
                context.logger(.ioFailed("\(error)"))
                n = 0
            }
            dateCache.update()
            for i in 0..<Int(n) {
                let fd = events[i].data.fd
                let flags = events[i].events
                if fd == context.listener.fd {
                    acceptConnections()
                } else if fd == wakeFD {
                    drainMailbox()
                } else if Int(fd) < connections.count, let c = connections[Int(fd)] {
                    handle(c, flags)
                }
            }
            let now = Syscall.now()
            if now >= nextTick {
                checkDeadlines(now)
                nextTick = now + context.tick
            }
            if shuttingDown && (liveCount == 0 || now >= shutdownDeadline) {
                for case let c? in connections { close(c) }
                // Messages posted after the last look at the mailbox; later ones are disposed
                // of by their posters.
                let late = mailbox.withLock { box in
                    box.closed = true
                    defer { box.messages.removeAll() }
                    return box.messages
                }
                for message in late { Self.dispose(message, logger: context.logger) }
                return
            }
        }
    }

    private func acceptConnections() {
        // A bounded batch per wake-up keeps one loop from starving its existing connections.
        for _ in 0..<64 {
            let fd: Int32
            do {
                let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                guard case .processed(let accepted) = try Syscall.call("accept4", {
                    accept4(context.listener.fd, nil, nil, flags)
                }) else { return }
                fd = accepted
            } catch let error where error.errno == ECONNABORTED {
                continue
            } catch {
                // EMFILE and friends: the level-triggered listener would wake this loop at once
                // again, so leave it out of epoll until the next tick; the backlog keeps the client.
                context.logger(.ioFailed("\(error)"))
                pauseAccepting()
                return
            }
            var one: Int32 = 1
            // Responses go out in one send; Nagle would only delay the next one.
            _ = try? Syscall.call("setsockopt") {
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            // Round robin over the loops: whichever loop wakes for the listener, the
            // connections end up spread evenly, so no single thread carries a burst of them.
            let target = peers.isEmpty ? self : peers[nextPeer % peers.count].loop
            nextPeer &+= 1
            if target === self {
                adopt(fd)
            } else {
                target.post(.adopt(fd: fd))
            }
        }
    }

    /// Starts serving connection `fd`: counts it against the cap. At the cap it takes the place of
    /// this loop's idle or still-reading connection whose deadline comes first; when there is
    /// none it only gets a 503.
    private func adopt(_ fd: Int32) {
        guard !shuttingDown else {
            Syscall.close(fd)
            return
        }
        let now = Syscall.now()
        let open = context.openConnections.add(1, ordering: .relaxed).newValue
        var overCap = open > context.configuration.maxConnections
        if overCap, let victim = evictionCandidate() {
            evict(victim, now)
            overCap = false
        }
        if overCap { context.openConnections.subtract(1, ordering: .relaxed) }
        let c = Connection(fd: fd, serial: nextSerial, counted: !overCap, limits: context.limits, timeouts: context.timeouts,
                           now: now, events: EPOLLIN.rawValue)
        nextSerial += 1
        do {
            try register(fd, events: c.events)
        } catch {
            context.logger(.ioFailed("\(error)"))
            if !overCap { context.openConnections.subtract(1, ordering: .relaxed) }
            Syscall.close(fd)
            return
        }
        while connections.count <= Int(fd) { connections.append(nil) }
        connections[Int(fd)] = c
        liveCount += 1
        if overCap {
            let problem = ProblemDetails(status: .serviceUnavailable, detail: "connection limit reached",
                                         extensions: ["limit": .int(context.configuration.maxConnections)])
            respond(c, .unparsed(at: now), .problem(problem, headers: retryAfter))
        }
        settle(c, now)
    }

    /// This loop's connection that may make room at the cap whose deadline comes first: idle
    /// ones with nothing left to send and requests still being read.
    private func evictionCandidate() -> Connection? {
        var best: Connection?
        var bestDeadline = ConnectionStateMachine.never
        for case let c? in connections where c.counted && c.pendingOutput == 0 {
            if let deadline = c.machine.evictionDeadline, deadline < bestDeadline {
                best = c
                bestDeadline = deadline
            }
        }
        return best
    }

    /// Closes `c` to make room: a request still being read is told so with a 503 (best effort,
    /// one send) first.
    private func evict(_ c: Connection, _ now: Duration) {
        if case .idle = c.machine.state {
            close(c)
            return
        }
        let problem = ProblemDetails(status: .serviceUnavailable,
                                     detail: "connection limit reached; the request closest to its deadline made room",
                                     extensions: ["limit": .int(context.configuration.maxConnections)])
        var info = c.admitted?.info ?? .unparsed(at: now)
        info.keepAlive = false
        respond(c, info, .problem(problem, headers: retryAfter))
        c.output.withUnsafeBytes { out in
            _ = try? Syscall.call("send") { send(c.fd, out.baseAddress! + c.outputOffset, c.pendingOutput, Int32(MSG_NOSIGNAL)) }
        }
        close(c)
    }

    private func drainMailbox() {
        var value: UInt64 = 0
        _ = try? Syscall.call("read") { read(wakeFD, &value, 8) }
        let messages = mailbox.withLock { box in
            let taken = box.messages
            box.messages.removeAll()
            return taken
        }
        for message in messages {
            switch message {
            case .completed(let fd, let serial, let info, let response):
                guard Int(fd) < connections.count, let c = connections[Int(fd)], c.serial == serial,
                      c.machine.state == .waitingForWork else {
                    Self.logAbandoned(info, logger: context.logger)
                    continue
                }
                respond(c, info, response)
                settle(c, Syscall.now())
            case .adopt(let fd):
                adopt(fd)
            case .shutdown(let acknowledged):
                beginShutdown()
                acknowledged.leave()
            }
        }
    }

    private func beginShutdown() {
        guard !shuttingDown else { return }
        shuttingDown = true
        shutdownDeadline = Syscall.now() + context.shutdownGracePeriod
        if !acceptPaused {
            _ = try? Syscall.call("epoll_ctl") { epoll_ctl(epfd, EPOLL_CTL_DEL, context.listener.fd, nil) }
        }
        for case let c? in connections where c.isIdle { close(c) }
    }

    private func pauseAccepting() {
        guard !acceptPaused else { return }
        acceptPaused = true
        _ = try? Syscall.call("epoll_ctl") { epoll_ctl(epfd, EPOLL_CTL_DEL, context.listener.fd, nil) }
    }

    private func checkDeadlines(_ now: Duration) {
        if acceptPaused && !shuttingDown {
            acceptPaused = (try? register(context.listener.fd, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)) == nil
        }
        for case let c? in connections {
            switch c.machine.timedOut(at: now) {
            case .none:
                continue
            case .close:
                close(c)
            case .requestTimeout(let detail):
                var info = c.admitted?.info ?? .unparsed(at: now)
                info.keepAlive = false
                respond(c, info, .problem(ProblemDetails(status: .requestTimeout, detail: detail)))
                settle(c, now)
            }
        }
    }

    func register(_ fd: Int32, events: UInt32) throws(IOError) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: fd))
        _ = try Syscall.blocking("epoll_ctl") { epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) }
    }

    /// The Retry-After field for 503 responses.
    var retryAfter: HTTPHeaders { ["Retry-After": String(context.configuration.retryAfter.components.seconds)] }

    /// Closes `c`: its client counts as gone for any handler still running for it, and its
    /// body reservation (if no job holds the body) returns to the budget.
    func close(_ c: Connection) {
        guard connections[Int(c.fd)] === c else { return }
        c.machine.close()
        c.presence?.markGone()
        c.reservation = nil
        c.admitted = nil
        Syscall.close(c.fd)
        connections[Int(c.fd)] = nil
        liveCount -= 1
        if c.counted { context.openConnections.subtract(1, ordering: .relaxed) }
    }
}
