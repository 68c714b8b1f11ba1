/// Routes requests by method and path pattern to handlers.
///
/// Patterns are literal segments and `{name}` parameters: `/v1/pogo/bundles/{id}`. A path that
/// matches no pattern gets 404; one that matches only under other methods gets 405 with `Allow`.
/// HEAD is answered by the GET handler when no HEAD route exists (the server omits the body).
public struct Router: Sendable {
    /// Where a handler runs.
    public enum Cost: Sendable, Hashable {
        /// On the I/O thread, at once: for handlers that take microseconds and never block.
        case inline
        /// On the bounded worker pool: for CPU-heavy or blocking handlers. When the pool's queue
        /// is full the request is answered 503 with Retry-After.
        case pool
    }

    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case parameter(String)
        }
        let method: HTTPMethod
        let segments: [Segment]
        let cost: Cost
        let handler: Handler
    }

    /// The outcome of routing one request.
    enum Match {
        case found(Route, parameters: [String: String])
        case notFound
        case methodNotAllowed(allow: [HTTPMethod])
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Adds a route. Requires a pattern starting with `/`.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        precondition(pattern.hasPrefix("/"), "route pattern \(pattern) must start with /")
        let segments: [Route.Segment] = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.hasPrefix("{") && $0.hasSuffix("}") ? .parameter(String($0.dropFirst().dropLast())) : .literal(String($0))
        }
        routes.append(Route(method: method, segments: segments, cost: cost, handler: handler))
    }

    public mutating func get(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.get, pattern, cost: cost, handler)
    }

    public mutating func post(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.post, pattern, cost: cost, handler)
    }

    public mutating func put(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.put, pattern, cost: cost, handler)
    }

    public mutating func delete(_ pattern: String, cost: Cost = .inline, _ handler: @escaping Handler) {
        add(.delete, pattern, cost: cost, handler)
    }

    /// Finds the route for `method` and `path` (the target without its query).
    func match(method: HTTPMethod, path: Substring) -> Match {
        guard path.utf8.first == 0x2F else { return .notFound }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: [HTTPMethod] = []
        var getRoute: (Route, [String: String])?
        for route in routes {
            guard let parameters = Self.bind(route.segments, parts) else { continue }
            if route.method == method { return .found(route, parameters: parameters) }
            if route.method == .get && method == .head { getRoute = (route, parameters) }
            allowed.append(route.method)
        }
        if let (route, parameters) = getRoute { return .found(route, parameters: parameters) }
        guard !allowed.isEmpty else { return .notFound }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        return .methodNotAllowed(allow: Array(Set(allowed)).sorted { $0.rawValue < $1.rawValue })
    }

    /// The parameters when `parts` fit `segments`, else nil.
    private static func bind(_ segments: [Route.Segment], _ parts: ArraySlice<Substring>) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = PercentDecoding.decode(part, plusIsSpace: false)
            }
        }
        return parameters
    }
}
