internal import Glibc
internal import CLinux

/// Reading, parsing, dispatching and writing for one connection. Everything here runs on the
/// loop's own thread; the parser and the connection's state machine decide, this code carries
/// out their actions.
extension EventLoop {
    func handle(_ c: Connection, _ flags: UInt32) {
        // Reset, or both directions shut: nothing can be sent any more. Level-triggered HUP
        // would otherwise wake this loop again and again while a worker runs.
        if flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            close(c)
            return
        }
        // Watched only while a worker has the request: the client left, so the work is dropped
        // (or told to stop through `clientIsConnected`) and nobody waits for the answer.
        if flags & EPOLLRDHUP.rawValue != 0 && c.machine.state == .waitingForWork {
            close(c)
            return
        }
        let now = Syscall.now()
        if flags & EPOLLOUT.rawValue != 0 { flush(c, now) }
        if !c.isClosed && flags & EPOLLIN.rawValue != 0 { readable(c, now) }
        if !c.isClosed { settle(c, now) }
    }

    private func readable(_ c: Connection, _ now: Duration) {
        guard c.machine.readsInput else { return }
        if case .readingBody = c.machine.state, let admitted = c.admitted, admitted.chunked,
           !(c.reservation?.grow(to: chunkedReservation(c)) ?? true) {
            refuseForBudget(c, admitted.info)
            return
        }
        let count: Int
        do {
            guard case .processed(let n) = try Syscall.call("read", { read(c.fd, readBuffer.baseAddress, readBuffer.count) }) else {
                return
            }
            count = n
        } catch {
            close(c)
            return
        }
        if count == 0 {
            if c.machine.peerClosed(at: now, outputPending: c.pendingOutput > 0 || c.stream != nil) { close(c) }
            return
        }
        if case .closing = c.machine.state {
            c.lingerBytes += count
            if c.lingerBytes > 1 << 20 { close(c) }
            return
        }
        c.machine.bytesArrived(at: now)
        drive(c, c.parser.bytesReceived(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])))
        if case .readingBody = c.machine.state { c.machine.bodyProgressed(to: c.parser.bodyByteCount) }
    }

    /// The body memory a chunked body may need after its next read: twice what it could then
    /// hold, since a growing array may keep up to twice its size.
    private func chunkedReservation(_ c: Connection) -> Int {
        2 * (c.parser.bodyByteCount + c.parser.bufferedByteCount + readBuffer.count)
    }

    /// Carries out parser actions until the parser needs bytes or the connection stops reading.
    private func drive(_ c: Connection, _ first: HTTPRequestParser.Action) {
        var action = first
        while true {
            switch action {
            case .needMoreData:
                return
            case .sendContinue:
                c.output.append(contentsOf: ResponseEncoder.continueLine)
                action = c.parser.next()
            case .error(let error):
                // A parse error ends the connection: what follows cannot be framed.
                var info = c.admitted?.info ?? .unparsed(at: Syscall.now())
                info.keepAlive = false
                c.admitted = nil
                c.reservation = nil
                respond(c, info, .problem(error.problem))
                return
            case .bodyFollows(let head, let contentLength):
                guard let next = admit(c, head, contentLength: contentLength) else { return }
                action = next
            case .request(let request):
                dispatch(c, request)
                guard c.machine.readsInput else {
                    c.resumeParsing = !c.isClosed && !c.machine.closesAfterOutput
                    return
                }
                action = c.parser.next()
            }
        }
    }

    /// Routes a request from its head, before its body is read: no route, another method, a
    /// media type the route does not read, a body over the route's limit or over the body
    /// budget is answered at once and the connection closes with the body unread. Returns the parser's next action once the body
    /// is admitted, nil when it was refused.
    private func admit(_ c: Connection, _ head: HTTPRequest, contentLength: Int?) -> HTTPRequestParser.Action? {
        let now = Syscall.now()
        guard case .found(let route, let parameters) = context.router.match(method: head.method, path: head.path) else {
            var unread = head
            unread.keepAlive = false
            dispatch(c, unread)
            return nil
        }
        var info = RequestInfo(method: head.method, path: String(head.path), version: head.version, keepAlive: false,
                               receivedAt: now)
        info.route = route.pattern
        if let problem = route.accepts.refusal(head.headers.values("Content-Type")) {
            respond(c, info, .problem(problem))
            return nil
        }
        let limit = min(route.maxBodyBytes, context.limits.maxBodyBytes)
        if let length = contentLength, length > limit {
            respond(c, info, .problem(HTTPParseError.bodyTooLarge(length: length, limit: limit).problem))
            return nil
        }
        let reservation = BodyReservation(budget: context.bodyBudget)
        guard reservation.grow(to: contentLength ?? 2 * (c.parser.bufferedByteCount + readBuffer.count)) else {
            refuseForBudget(c, info)
            return nil
        }
        info.keepAlive = head.keepAlive
        c.admitted = AdmittedRequest(route: route, parameters: parameters, info: info, chunked: contentLength == nil)
        c.reservation = reservation
        c.machine.bodyAdmitted(at: now)
        return c.parser.admitBody(limit: limit)
    }

    /// 503 with Retry-After for a body the budget cannot hold; the connection closes.
    private func refuseForBudget(_ c: Connection, _ info: RequestInfo) {
        c.admitted = nil
        c.reservation = nil
        let problem = ProblemDetails(status: .serviceUnavailable, detail: "the server holds as many request bodies as it may",
                                     extensions: ["limit": .int(context.bodyBudget.capacity)])
        var refused = info
        refused.keepAlive = false
        respond(c, refused, .problem(problem, headers: retryAfter))
    }

    private func dispatch(_ c: Connection, _ request: HTTPRequest) {
        let admitted = c.admitted
        c.admitted = nil
        let reservation = c.reservation
        c.reservation = nil
        var info = RequestInfo(method: request.method, path: String(request.path), version: request.version,
                               keepAlive: request.keepAlive, receivedAt: admitted?.info.receivedAt ?? Syscall.now())
        let match = admitted.map { Router.Match.found($0.route, parameters: $0.parameters) }
            ?? context.router.match(method: request.method, path: request.path)
        switch match {
        case .notFound:
            respond(c, info, .problem(ProblemDetails(status: .notFound, detail: "no resource at \(info.path)")))
        case .methodNotAllowed(let allow, let pattern):
            info.route = pattern
            let list = allow.map(\.rawValue).joined(separator: ", ")
            let problem = ProblemDetails(status: .methodNotAllowed, detail: "\(info.method) is not allowed on \(info.path)")
            respond(c, info, .problem(problem, headers: ["Allow": list]))
        case .found(let route, let parameters):
            info.route = route.pattern
            // A request with a body was judged when admitted; one without is judged here.
            if admitted == nil, let problem = route.accepts.refusal(request.headers.values("Content-Type")) {
                respond(c, info, .problem(problem))
                return
            }
            var routed = request
            routed.pathParameters = parameters
            let logger = context.logger
            guard case .pool(let name) = route.cost, let pool = context.pools[name] else {
                respond(c, info, Self.invoke(route.handler, routed, info, logger))
                return
            }
            let presence = c.presence ?? ClientPresence()
            c.presence = presence
            routed.presence = presence
            let (request, info) = (routed, info)
            let fd = c.fd, serial = c.serial
            let accepted = pool.trySubmit { [self] in
                // The reservation lives as long as the job holds the body.
                withExtendedLifetime(reservation) {
                    guard presence.isConnected else {
                        Self.logAbandoned(info, logger: logger)
                        return
                    }
                    post(.completed(fd: fd, serial: serial, info: info, response: Self.invoke(route.handler, request, info, logger)))
                }
            }
            if accepted {
                c.machine.handedToWorker()
            } else {
                let problem = ProblemDetails(status: .serviceUnavailable, detail: "the \(name) queue is full",
                                             extensions: ["limit": .int(pool.capacity)])
                respond(c, info, .problem(problem, headers: retryAfter))
            }
        }
    }

    /// Runs a handler; an `HTTPError` becomes its problem response, anything else a bare 500.
    private static func invoke(_ handler: Router.Handler, _ request: HTTPRequest, _ info: RequestInfo,
                               _ logger: HTTPLogger) -> HTTPResponse {
        do {
            return try handler(request)
        } catch let error as any HTTPError {
            return .problem(error.problem, headers: error.headers)
        } catch {
            logger(.handlerFailed(method: info.method.rawValue, path: info.path, error: "\(error)"))
            return .problem(ProblemDetails(status: .internalServerError, detail: "the server failed to handle the request"))
        }
    }

    /// Queues `response` for the request described by `info` and logs the request.
    func respond(_ c: Connection, _ info: RequestInfo, _ response: HTTPResponse) {
        let omitBody = info.method == .head || ResponseEncoder.hasNoContent(response.status)
        var keep = info.keepAlive && !shuttingDown
        switch response.body {
        case .bytes(let body):
            let framing: ResponseEncoder.Framing = ResponseEncoder.hasNoContent(response.status) ? .none : .length(body.count)
            ResponseEncoder.appendHead(status: response.status, headers: response.headers, date: dateCache.line,
                                       framing: framing, keepAlive: keep, version: info.version, to: &c.output)
            if !omitBody { c.output.append(contentsOf: body) }
        case .stream(let stream):
            var framing = ResponseEncoder.Framing.none
            if !omitBody {
                // HTTP/1.0 has no chunked coding: the body ends with the connection.
                framing = info.version == .http1_1 ? .chunked : .untilClose
                if framing == .untilClose { keep = false }
                c.stream = stream
                c.streamFraming = framing
            }
            ResponseEncoder.appendHead(status: response.status, headers: response.headers, date: dateCache.line,
                                       framing: framing, keepAlive: keep, version: info.version, to: &c.output)
        }
        let now = Syscall.now()
        c.machine.responseQueued(at: now, keepAlive: keep, mustDrain: c.mustDrain(maxPendingOutput: context.configuration.maxPendingWriteBytes),
                                 requestBuffered: c.parser.hasPartialRequest)
        if !keep {
            // Nothing more is read for this connection: whatever it buffered is freed now, not
            // when it finally closes.
            c.admitted = nil
            c.reservation = nil
            c.parser = HTTPRequestParser(limits: context.limits)
        }
        context.logger(.request(method: info.method.rawValue, path: info.path, route: info.route, status: response.status.code,
                                duration: now - info.receivedAt))
    }

    /// Sends what can be sent, pulling streamed bodies only while the output is below the limit.
    private func flush(_ c: Connection, _ now: Duration) {
        var progressed = false
        while true {
            if c.pendingOutput == 0 {
                if c.stream != nil { fill(c) }
                if c.pendingOutput == 0 { break }
            }
            let result: IOResult<Int>
            do {
                result = try c.output.withUnsafeBytes { out throws(IOError) in
                    try Syscall.call("send") { send(c.fd, out.baseAddress! + c.outputOffset, c.pendingOutput, Int32(MSG_NOSIGNAL)) }
                }
            } catch {
                close(c)
                return
            }
            guard case .processed(let sent) = result else { break }
            progressed = true
            c.outputOffset += sent
            if c.outputOffset == c.output.count {
                c.output.removeAll(keepingCapacity: c.output.capacity <= 1 << 16)
                c.outputOffset = 0
            }
        }
        if progressed { c.machine.outputProgressed(at: now) }
    }

    private func fill(_ c: Connection) {
        guard let stream = c.stream else { return }
        while c.pendingOutput < context.configuration.maxPendingWriteBytes {
            guard let piece = stream.next() else {
                if c.streamFraming == .chunked { c.output.append(contentsOf: ResponseEncoder.lastChunk) }
                c.stream = nil
                return
            }
            guard !piece.isEmpty else { continue }
            if c.streamFraming == .chunked {
                ResponseEncoder.appendChunk(piece, to: &c.output)
            } else {
                c.output.append(contentsOf: piece)
            }
        }
    }

    /// After any activity: send, leave `writing` once the client took the response, resume
    /// pipelined requests, and update the epoll interest.
    func settle(_ c: Connection, _ now: Duration) {
        let maxPending = context.configuration.maxPendingWriteBytes
        flush(c, now)
        while !c.isClosed {
            if case .writing = c.machine.state {
                let closing = c.machine.closesAfterOutput
                guard c.stream == nil, c.pendingOutput <= (closing ? 0 : maxPending) else { break }
                if c.machine.outputDrained(at: now, requestBuffered: c.parser.hasPartialRequest) {
                    // Shut the write side, then read and discard until the peer closes or the
                    // linger ends, so unread request bytes do not make the kernel reset the
                    // connection before the client has the response (RFC 9112 section 9.6).
                    if (try? Syscall.call("shutdown", { shutdown(c.fd, Int32(SHUT_WR)) })) == nil { close(c) }
                    break
                }
            }
            guard c.resumeParsing, c.machine.readsInput else { break }
            c.resumeParsing = false
            drive(c, c.parser.next())
            flush(c, now)
        }
        guard !c.isClosed else { return }
        if shuttingDown && c.isIdle {
            close(c)
            return
        }
        var wanted: UInt32 = 0
        if c.machine.readsInput { wanted |= EPOLLIN.rawValue }
        if c.machine.state == .waitingForWork { wanted |= EPOLLRDHUP.rawValue }
        if c.pendingOutput > 0 { wanted |= EPOLLOUT.rawValue }
        if wanted != c.events {
            c.events = wanted
            var event = epoll_event(events: wanted, data: epoll_data_t(fd: c.fd))
            guard (try? Syscall.call("epoll_ctl", { epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &event) })) != nil else {
                close(c)
                return
            }
        }
    }
}
