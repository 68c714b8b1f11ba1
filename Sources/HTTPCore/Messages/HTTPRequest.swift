/// A complete HTTP request as handlers see it: head, whole body, and the router's path parameters.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    /// The raw request-target, e.g. `/v1/items/7?full=1`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The body with any chunked framing removed; empty when the request had none.
    public var body: [UInt8]
    /// Trailer fields of a chunked body; empty otherwise.
    public var trailers: HTTPHeaders
    /// Whether the connection stays open after the response (RFC 9112 section 9.3).
    public var keepAlive: Bool
    /// Values of the `{name}` segments of the matched route pattern, percent-decoded.
    public var pathParameters: [String: String] = [:]
    /// Set by the server for requests it hands to a worker pool.
    var presence: ClientPresence?

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
                body: [UInt8] = [], trailers: HTTPHeaders = [:], keepAlive: Bool = true) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.keepAlive = keepAlive
    }

    /// The target's path: up to `?`, not decoded. For an absolute-form target
    /// (`http://host/p?q`, RFC 9112 section 3.2.2) the scheme and authority are dropped.
    public var path: Substring {
        var start = target.startIndex
        if target.utf8.first != 0x2F, let colon = target.utf8.firstIndex(of: 0x3A),
           target.utf8[colon...].starts(with: "://".utf8) {
            let authority = target.utf8.index(colon, offsetBy: 3)
            guard let slash = target.utf8[authority...].firstIndex(where: { $0 == 0x2F || $0 == 0x3F }),
                  target.utf8[slash] == 0x2F else { return "/" }
            start = slash
        }
        guard let q = target.utf8[start...].firstIndex(of: 0x3F) else { return target[start...] }
        return target[start..<q]
    }

    /// The target after `?`, not decoded; nil when there is no `?`.
    public var query: Substring? {
        guard let q = target.utf8.firstIndex(of: 0x3F) else { return nil }
        return target[target.utf8.index(after: q)...]
    }

    /// The query parameters, percent-decoded with `+` as space; for a repeated name the last one wins.
    public var queryParameters: [String: String] {
        guard let query else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusIsSpace: true)
            result[name] = parts.count > 1 ? PercentDecoding.decode(parts[1], plusIsSpace: true) : ""
        }
        return result
    }

    /// The value of path parameter `name`, or nil.
    public func pathParameter(_ name: String) -> String? { pathParameters[name] }

    /// Whether the client is still connected: false once it has closed or reset its connection,
    /// so nobody will read the response. A cheap check (one atomic load) for long handlers to
    /// make between steps, stopping early when it turns false. Always true for inline handlers
    /// and requests made outside a server.
    public var clientIsConnected: Bool { presence?.isConnected ?? true }

    /// Equal when the messages are: method, target, version, fields, body, trailers, keep-alive
    /// and path parameters (not whether the client is still there).
    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version && a.headers == b.headers && a.body == b.body
            && a.trailers == b.trailers && a.keepAlive == b.keepAlive && a.pathParameters == b.pathParameters
    }
}

/// Percent-decoding of URI components (RFC 3986 section 2.1); malformed escapes are kept literally.
enum PercentDecoding {
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x25, i + 2 < utf8.count, let hi = ByteClass.hexValue(utf8[i + 1]), let lo = ByteClass.hexValue(utf8[i + 2]) {
                out.append(UInt8(hi << 4 | lo))
                i += 3
            } else {
                out.append(plusIsSpace && b == 0x2B ? 0x20 : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
