/// An incremental, strict HTTP/1.1 request parser (RFC 9112): a value-type state machine that
/// takes bytes as they arrive and says what the connection should do next.
///
/// It never touches a socket, so every rule is tested by feeding bytes. Requests come out one at
/// a time in order; bytes of pipelined requests stay buffered until `next()` is called again.
/// After an error the parser stays failed: the connection answers with the error's status and
/// closes, because the framing of anything after it cannot be trusted.
public struct HTTPRequestParser: Sendable {
    /// What the connection should do next.
    public enum Action: Sendable, Equatable {
        /// Read more bytes, then call `bytesReceived`.
        case needMoreData
        /// Send `100 Continue`, then call `next()` (the client waits for it before sending the body).
        case sendContinue
        /// The head of a request whose body follows, before any of the body is read: `head` has
        /// an empty body; `contentLength` is the announced length (nil for a chunked body). To
        /// read the body call `admitBody(limit:)` with the largest body the request may have;
        /// otherwise answer without reading it and close the connection.
        case bodyFollows(head: HTTPRequest, contentLength: Int?)
        /// A complete request; call `next()` for a pipelined one once it has been answered.
        case request(HTTPRequest)
        /// Answer with `error.status` and close.
        case error(HTTPParseError)
    }

    /// The limits the parser enforces; the rest of `HTTPServerConfiguration` concerns the connection.
    public struct Limits: Sendable, Hashable {
        public var maxTargetBytes: Int
        public var maxHeaderBytes: Int
        public var maxHeaderCount: Int
        public var maxBodyBytes: Int

        public init(_ configuration: HTTPServerConfiguration) {
            maxTargetBytes = configuration.maxTargetBytes
            maxHeaderBytes = configuration.maxHeaderBytes
            maxHeaderCount = configuration.maxHeaderCount
            maxBodyBytes = configuration.maxBodyBytes
        }
    }

    enum Phase: Sendable, Equatable {
        case head
        /// The head is parsed; waiting for `admitBody(limit:)`.
        case awaitingAdmission(Framing, expectContinue: Bool)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case trailers
        case failed(HTTPParseError)
    }

    /// A parsed request head waiting for its body.
    struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var keepAlive: Bool
    }

    public let limits: Limits
    var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    var start = 0
    /// Bytes before this index were already checked for CR/LF pairing (scans resume here).
    var scanned = 0
    /// Index where the line being scanned begins.
    var lineStart = 0
    /// Complete lines seen in the current head or trailer section.
    var lineCount = 0
    var phase = Phase.head
    var head: Head?
    var body: [UInt8] = []
    /// The largest body the current request may have, set by `admitBody(limit:)`.
    var bodyLimit = 0
    var trailers = HTTPHeaders()

    public init(limits: Limits) {
        self.limits = limits
    }

    /// True while part of a request has arrived but not all of it.
    public var hasPartialRequest: Bool { phase != .head || buffer.count > start }

    /// Bytes received and not yet consumed by a returned request.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Bytes of the current request's body decoded so far.
    public var bodyByteCount: Int { body.count }

    /// Appends `bytes` and returns the next action. Body bytes of a Content-Length body go
    /// straight into the body (reserved at its length), so a body is held once, not twice.
    public mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer) -> Action {
        compact()
        var rest = bytes
        if case .fixedBody(let remaining) = phase, buffer.count == start {
            let take = min(remaining, bytes.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
            phase = .fixedBody(remaining: remaining - take)
            rest = UnsafeRawBufferPointer(rebasing: bytes[take...])
        }
        buffer.append(contentsOf: rest)
        return next()
    }

    /// Lets the body announced by `.bodyFollows` be read, up to `limit` bytes (also capped by
    /// `limits.maxBodyBytes`): a Content-Length above it fails at once with `bodyTooLarge`, before
    /// any body byte is read; a chunked body fails as soon as its decoded size would pass it.
    /// Requires the last action to have been `.bodyFollows`.
    public mutating func admitBody(limit: Int) -> Action {
        guard case .awaitingAdmission(let framing, let expectContinue) = phase else {
            preconditionFailure("admitBody(limit:) without a pending .bodyFollows")
        }
        bodyLimit = min(limit, limits.maxBodyBytes)
        switch framing {
        case .length(let n):
            guard n <= bodyLimit else {
                let error = HTTPParseError.bodyTooLarge(length: n, limit: bodyLimit)
                phase = .failed(error)
                return .error(error)
            }
            body.reserveCapacity(n)
            let take = min(n, buffer.count - start)
            body.append(contentsOf: buffer[start..<start + take])
            start += take
            phase = .fixedBody(remaining: n - take)
        case .chunked:
            phase = .chunkSize
            scanned = start
            lineStart = start
        case .none:
            preconditionFailure("a request without a body is not admitted")
        }
        if expectContinue && buffer.count == start { return .sendContinue }
        return next()
    }

    /// Appends `bytes` and returns the next action.
    public mutating func bytesReceived(_ bytes: [UInt8]) -> Action {
        bytes.withUnsafeBytes { bytesReceived($0) }
    }

    /// Advances as far as the buffered bytes allow.
    public mutating func next() -> Action {
        do {
            return try advance()
        } catch {
            phase = .failed(error)
            return .error(error)
        }
    }

    private mutating func advance() throws(HTTPParseError) -> Action {
        while true {
            switch phase {
            case .failed(let error):
                throw error
            case .head:
                guard let end = try scanSection(isHead: true) else { return .needMoreData }
                let (parsed, framing) = try parseHead(end: end)
                start = end
                head = parsed.head
                if framing == .none { return .request(finish()) }
                phase = .awaitingAdmission(framing, expectContinue: parsed.expectContinue)
                let h = parsed.head
                let announced = HTTPRequest(method: h.method, target: h.target, version: h.version, headers: h.headers,
                                            keepAlive: h.keepAlive)
                if case .length(let n) = framing { return .bodyFollows(head: announced, contentLength: n) }
                return .bodyFollows(head: announced, contentLength: nil)
            case .awaitingAdmission:
                return .needMoreData
            case .fixedBody(let remaining):
                let take = min(remaining, buffer.count - start)
                if take > 0 {
                    body.append(contentsOf: buffer[start..<start + take])
                    start += take
                }
                guard remaining == take else {
                    phase = .fixedBody(remaining: remaining - take)
                    return .needMoreData
                }
                return .request(finish())
            case .chunkSize:
                guard let end = try nextLineEnd(limit: start + limits.maxHeaderBytes + 1) else {
                    if buffer.count - start > limits.maxHeaderBytes { throw .invalidChunkExtension }
                    return .needMoreData
                }
                let size = try parseChunkSize(start, end - 2)
                start = end
                lineStart = end
                if size == 0 {
                    phase = .trailers
                    lineCount = 0
                } else {
                    guard size <= bodyLimit - body.count else {
                        throw .bodyTooLarge(length: body.count + size, limit: bodyLimit)
                    }
                    phase = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let take = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + take])
                start += take
                guard remaining == take, buffer.count - start >= 2 else {
                    phase = .chunkData(remaining: remaining - take)
                    return .needMoreData
                }
                guard buffer[start] == ByteClass.cr, buffer[start + 1] == ByteClass.lf else { throw .missingChunkTerminator }
                start += 2
                scanned = start
                lineStart = start
                phase = .chunkSize
            case .trailers:
                guard let end = try scanSection(isHead: false) else { return .needMoreData }
                trailers = try parseTrailers(start, end)
                start = end
                return .request(finish())
            }
        }
    }

    /// Builds the request from the parsed parts and resets for the next one.
    private mutating func finish() -> HTTPRequest {
        let h = head!
        let request = HTTPRequest(method: h.method, target: h.target, version: h.version, headers: h.headers,
                                  body: body, trailers: trailers, keepAlive: h.keepAlive)
        head = nil
        body = []
        bodyLimit = 0
        trailers = HTTPHeaders()
        phase = .head
        scanned = start
        lineStart = start
        lineCount = 0
        return request
    }

    /// Drops consumed bytes so the buffer does not grow over a long keep-alive connection.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 65_536)
        } else if start >= 4_096 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
        } else {
            return
        }
        scanned -= start
        lineStart -= start
        start = 0
    }
}
