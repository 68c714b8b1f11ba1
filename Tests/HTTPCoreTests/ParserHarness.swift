@testable import HTTPCore

/// One thing the parser produced for a test input.
enum ParseOutcome: Equatable {
    case request(HTTPRequest)
    case sendContinue
    case error(HTTPParseError)
}

/// Feeds requests to a parser in the pieces given, collecting everything it produces.
enum ParserHarness {
    static func limits(maxTargetBytes: Int = 8_192, maxHeaderBytes: Int = 32_768, maxHeaderCount: Int = 100,
                       maxBodyBytes: Int = 1 << 20) -> HTTPRequestParser.Limits {
        HTTPRequestParser.Limits(HTTPServerConfiguration(maxTargetBytes: maxTargetBytes, maxHeaderBytes: maxHeaderBytes,
                                                         maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes))
    }

    static func run(_ pieces: [[UInt8]], limits: HTTPRequestParser.Limits = limits()) -> [ParseOutcome] {
        var parser = HTTPRequestParser(limits: limits)
        var result: [ParseOutcome] = []
        for piece in pieces {
            var action = parser.bytesReceived(piece)
            while true {
                switch action {
                case .needMoreData:
                    break
                case .sendContinue:
                    result.append(.sendContinue)
                    action = parser.next()
                    continue
                case .bodyFollows:
                    action = parser.admitBody(limit: limits.maxBodyBytes)
                    continue
                case .request(let r):
                    result.append(.request(r))
                    action = parser.next()
                    continue
                case .error(let e):
                    result.append(.error(e))
                    return result
                }
                break
            }
        }
        return result
    }

    /// Outcomes for `text` fed whole, or nil when feeding it one byte at a time disagrees
    /// (ignoring `sendContinue`, which depends on whether body bytes had already arrived).
    static func parse(_ text: String, limits: HTTPRequestParser.Limits = limits()) -> [ParseOutcome]? {
        let bytes = Array(text.utf8)
        let whole = run([bytes], limits: limits)
        let single = run(bytes.map { [$0] }, limits: limits)
        let strip = { (o: [ParseOutcome]) in o.filter { $0 != .sendContinue } }
        return strip(whole) == strip(single) ? whole : nil
    }

    /// The requests among the outcomes.
    static func requests(_ outcomes: [ParseOutcome]?) -> [HTTPRequest] {
        (outcomes ?? []).compactMap { if case .request(let r) = $0 { r } else { nil } }
    }

    /// The error that ended the outcomes, if any.
    static func error(_ outcomes: [ParseOutcome]?) -> HTTPParseError? {
        guard case .error(let e)? = outcomes?.last else { return nil }
        return e
    }
}
