/// Routes requests by method and path pattern to handlers.
///
/// Patterns are literal segments and `{name}` parameters: `/v1/pogo/bundles/{id}`. A path that
/// matches no pattern gets 404; one that matches only under other methods gets 405 with `Allow`.
/// HEAD is answered by the GET handler when no HEAD route exists (the server omits the body).
///
/// Each route says how large a body it takes (`maxBodyBytes`, default 0: none). The server
/// routes a request as soon as its head has arrived, so a body over the route's limit is refused
/// with 413 before any of it is read, and a request for no route (404) or another method (405)
/// is answered without reading its body. A route may also say which `Content-Type` it reads
/// (`BodyMediaType`); others get 415, before the body is read.
public struct Router: Sendable {
    /// Where a handler runs.
    public enum Cost: Sendable, Hashable {
        /// On the I/O thread, at once: for handlers that take microseconds and never block.
        case inline
        /// On the worker pool of the named kind of work, which has its own threads and bounded
        /// queue (`HTTPServerConfiguration.workQueues`): for CPU-heavy or blocking handlers. When
        /// that queue is full the request is answered 503 with Retry-After; when its client has
        /// gone before a thread takes it, it is dropped without running.
        case pool(String)
    }

    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            /// A literal segment, as UTF-8 bytes.
            case literal([UInt8])
            case parameter(String)
        }
        let method: HTTPMethod
        /// The pattern as declared, e.g. `/v1/pogo/bundles/{id}`: a bounded label for metrics.
        let pattern: String
        let segments: [Segment]
        let cost: Cost
        /// Largest body this route reads, in bytes; 0 when it takes none.
        let maxBodyBytes: Int
        /// The bodies it reads, by `Content-Type`.
        let accepts: BodyMediaType
        let handler: Handler
    }

    /// The outcome of routing one request.
    enum Match {
        case found(Route, parameters: [String: String])
        case notFound
        /// The path fits `pattern`, but only under the methods in `allow`.
        case methodNotAllowed(allow: [HTTPMethod], pattern: String)
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route taking bodies of up to `maxBodyBytes` bytes (0: no body; a request announcing
    /// one gets 413 before it is read) of the media types `accepts` names (others get 415).
    /// Requires a pattern starting with `/` and `maxBodyBytes >= 0`.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, cost: Cost = .inline, maxBodyBytes: Int = 0,
                             accepts: BodyMediaType = .any, _ handler: @escaping Handler) {
        precondition(pattern.hasPrefix("/"), "route pattern \(pattern) must start with /")
        precondition(maxBodyBytes >= 0, "route \(pattern) has a negative body limit")
        let segments: [Route.Segment] = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.hasPrefix("{") && $0.hasSuffix("}") ? .parameter(String($0.dropFirst().dropLast())) : .literal(Array($0.utf8))
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments, cost: cost, maxBodyBytes: maxBodyBytes,
                            accepts: accepts, handler: handler))
    }

    /// A GET route; it takes no body.
    public mutating func get(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.get, pattern, cost: cost, handler)
    }

    public mutating func post(_ pattern: String, cost: Cost = .inline, maxBodyBytes: Int = 0, accepts: BodyMediaType = .any,
                              _ handler: @escaping Handler) {
        add(.post, pattern, cost: cost, maxBodyBytes: maxBodyBytes, accepts: accepts, handler)
    }

    public mutating func put(_ pattern: String, cost: Cost = .inline, maxBodyBytes: Int = 0, accepts: BodyMediaType = .any,
                             _ handler: @escaping Handler) {
        add(.put, pattern, cost: cost, maxBodyBytes: maxBodyBytes, accepts: accepts, handler)
    }

    public mutating func delete(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.delete, pattern, cost: cost, handler)
    }

    /// The names of the kinds of heavy work the routes use, each once.
    var poolNames: [String] {
        var names: [String] = []
        for route in routes {
            if case .pool(let name) = route.cost, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Finds the route for `method` and `path` (the target without its query). Compares bytes in
    /// place: no allocation unless the route has parameters.
    func match(method: HTTPMethod, path: Substring) -> Match {
        var path = path
        return path.withUTF8 { bytes in
            guard bytes.first == 0x2F else { return .notFound }
            var allowed: [HTTPMethod] = []
            var fitting: String?
            var getRoute: Route?
            for route in routes where Self.fits(route.segments, bytes) {
                if route.method == method { return .found(route, parameters: Self.parameters(route.segments, bytes)) }
                if route.method == .get && method == .head { getRoute = route }
                allowed.append(route.method)
                fitting = fitting ?? route.pattern
            }
            if let route = getRoute { return .found(route, parameters: Self.parameters(route.segments, bytes)) }
            guard let pattern = fitting else { return .notFound }
            if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
            return .methodNotAllowed(allow: Array(Set(allowed)).sorted { $0.rawValue < $1.rawValue }, pattern: pattern)
        }
    }

    /// Calls `body` with the byte range of each `/`-separated segment of `path` after its leading
    /// `/`, in order, while it returns true; returns the number of segments visited.
    private static func forEachSegment(_ path: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Bool) -> Int {
        var start = 1
        var count = 0
        while true {
            var end = start
            while end < path.count && path[end] != 0x2F { end += 1 }
            count += 1
            guard body(start..<end) else { return count }
            guard end < path.count else { return count }
            start = end + 1
        }
    }

    /// Whether `path` has as many segments as `segments`, each literal equal and each parameter
    /// non-empty.
    private static func fits(_ segments: [Route.Segment], _ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        var ok = true
        let visited = forEachSegment(path) { range in
            guard index < segments.count else {
                ok = false
                return false
            }
            switch segments[index] {
            case .literal(let text):
                ok = text.elementsEqual(path[range])
            case .parameter:
                ok = !range.isEmpty
            }
            index += 1
            return ok
        }
        return ok && visited == segments.count
    }

    /// The percent-decoded parameter values of a path that `fits` `segments`.
    private static func parameters(_ segments: [Route.Segment], _ path: UnsafeBufferPointer<UInt8>) -> [String: String] {
        guard segments.contains(where: { if case .parameter = $0 { true } else { false } }) else { return [:] }
        var parameters: [String: String] = [:]
        var index = 0
        _ = forEachSegment(path) { range in
            if case .parameter(let name) = segments[index] {
                let text = Substring(decoding: UnsafeBufferPointer(rebasing: path[range]), as: UTF8.self)
                parameters[name] = PercentDecoding.decode(text, plusIsSpace: false)
            }
            index += 1
            return true
        }
        return parameters
    }
}
