extension HTTPRequestParser {
    /// How the body of a request is delimited (RFC 9112 section 6.3).
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    struct ParsedHead {
        var head: Head
        var expectContinue: Bool
    }

    /// What the framing-relevant fields said, gathered in one pass over the fields.
    private struct FieldSummary {
        var hostCount = 0
        var contentLength: Int?
        var hasTransferEncoding = false
        var sawChunked = false
        var chunkedNotLast = false
        var unknownCoding: String?
        var close = false
        var keepAlive = false
        var expectation: String?
    }

    /// Parses the head `[start, end)` (which ends with an empty line) and decides the framing.
    func parseHead(end: Int) throws(HTTPParseError) -> (ParsedHead, Framing) {
        try buffer.withUnsafeBufferPointer { buf throws(HTTPParseError) in
            var lineEnd = start
            while buf[lineEnd] != ByteClass.cr { lineEnd += 1 }
            let (method, target, version) = try parseRequestLine(buf, start, lineEnd)
            let fieldsStart = lineEnd + 2
            var fields: [HTTPHeaders.Field] = []
            var summary = FieldSummary()
            var lineStart = fieldsStart
            while lineStart < end - 2 {
                var e = lineStart
                while buf[e] != ByteClass.cr { e += 1 }
                let field = try Self.parseField(buf, lineStart, e, base: fieldsStart)
                try Self.summarize(field, buf, base: fieldsStart, into: &summary)
                fields.append(field)
                lineStart = e + 2
            }
            let framing = try framing(summary, version)
            var expectContinue = false
            if let expectation = summary.expectation {
                guard expectation == "100-continue" else { throw .unsupportedExpectation(expectation) }
                // RFC 9110 section 10.1.1: a server ignores 100-continue from an HTTP/1.0 client.
                expectContinue = version == .http1_1 && framing != .none
            }
            let keepAlive = version == .http1_1 ? !summary.close : summary.keepAlive && !summary.close
            let headers = HTTPHeaders(storage: Array(UnsafeBufferPointer(rebasing: buf[fieldsStart..<end - 2])), fields: fields)
            let head = Head(method: method, target: target, version: version, headers: headers, keepAlive: keepAlive)
            return (ParsedHead(head: head, expectContinue: expectContinue), framing)
        }
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 section 3).
    private func parseRequestLine(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int,
                                  _ to: Int) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        var sp1 = from
        while sp1 < to && buf[sp1] != ByteClass.space { sp1 += 1 }
        var sp2 = sp1 + 1
        while sp2 < to && buf[sp2] != ByteClass.space { sp2 += 1 }
        guard sp2 < to else { throw .invalidRequestLine }
        let method = UnsafeBufferPointer(rebasing: buf[from..<sp1])
        guard !method.isEmpty, method.allSatisfy(ByteClass.isTokenChar) else { throw .invalidMethod }
        let target = UnsafeBufferPointer(rebasing: buf[sp1 + 1..<sp2])
        guard target.count <= limits.maxTargetBytes else {
            throw .targetTooLong(length: target.count, limit: limits.maxTargetBytes)
        }
        guard !target.isEmpty, target.allSatisfy(ByteClass.isTargetChar) else { throw .invalidTarget }
        let v = UnsafeBufferPointer(rebasing: buf[sp2 + 1..<to])
        guard v.count == 8, v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F, v[6] == 0x2E,
              (0x30...0x39).contains(v[5]), (0x30...0x39).contains(v[7]) else { throw .invalidVersion }
        let major = Int(v[5] - 0x30), minor = Int(v[7] - 0x30)
        guard major == 1, minor <= 1 else { throw .unsupportedVersion(major: major, minor: minor) }
        return (HTTPMethod(bytes: method), String(decoding: target, as: UTF8.self), minor == 1 ? .http1_1 : .http1_0)
    }

    /// Records what a framing-relevant field says; other fields are left alone.
    private static func summarize(_ f: HTTPHeaders.Field, _ buf: UnsafeBufferPointer<UInt8>, base: Int,
                                  into s: inout FieldSummary) throws(HTTPParseError) {
        let name = UnsafeBufferPointer(rebasing: buf[base + Int(f.nameStart)..<base + Int(f.nameEnd)])
        let value = UnsafeBufferPointer(rebasing: buf[base + Int(f.valueStart)..<base + Int(f.valueEnd)])
        switch name.count {
        case 4 where ByteClass.equalsLowercase(name, "host"):
            s.hostCount += 1
        case 14 where ByteClass.equalsLowercase(name, "content-length"):
            for element in listElements(value) {
                guard !element.isEmpty, element.count <= 18, element.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    throw .invalidContentLength
                }
                let n = element.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let previous = s.contentLength, previous != n { throw .conflictingContentLength }
                s.contentLength = n
            }
        case 17 where ByteClass.equalsLowercase(name, "transfer-encoding"):
            s.hasTransferEncoding = true
            for element in listElements(value) where !element.isEmpty {
                var coding = element
                if let semicolon = coding.firstIndex(of: 0x3B) { coding = trimmed(UnsafeBufferPointer(rebasing: coding[..<semicolon])) }
                if s.sawChunked { s.chunkedNotLast = true }
                if ByteClass.equalsLowercase(coding, "chunked") {
                    s.sawChunked = true
                } else if s.unknownCoding == nil {
                    s.unknownCoding = String(decoding: coding, as: UTF8.self)
                }
            }
        case 10 where ByteClass.equalsLowercase(name, "connection"):
            for element in listElements(value) {
                if ByteClass.equalsLowercase(element, "close") { s.close = true }
                if ByteClass.equalsLowercase(element, "keep-alive") { s.keepAlive = true }
            }
        case 6 where ByteClass.equalsLowercase(name, "expect"):
            s.expectation = String(decoding: value, as: UTF8.self).lowercased()
        default:
            break
        }
    }

    /// Decides the body framing from the summary, refusing every ambiguous combination
    /// (RFC 9112 section 6.3), which is what makes request smuggling through this server impossible.
    private func framing(_ s: FieldSummary, _ version: HTTPVersion) throws(HTTPParseError) -> Framing {
        if s.hostCount > 1 { throw .duplicateHost }
        if s.hostCount == 0 && version == .http1_1 { throw .missingHost }
        if s.hasTransferEncoding {
            if s.contentLength != nil { throw .contentLengthWithTransferEncoding }
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            if s.chunkedNotLast || !s.sawChunked { throw .chunkedNotLast }
            if let coding = s.unknownCoding { throw .unknownTransferCoding(coding) }
            return .chunked
        }
        guard let length = s.contentLength, length > 0 else { return .none }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(length: length, limit: limits.maxBodyBytes) }
        return .length(length)
    }

    /// The elements of a comma-separated field value, each with surrounding whitespace removed.
    private static func listElements(_ value: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
        value.split(separator: 0x2C, omittingEmptySubsequences: false).map { trimmed(UnsafeBufferPointer(rebasing: $0)) }
    }

    private static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = b.count
        while lo < hi && ByteClass.isWhitespace(b[lo]) { lo += 1 }
        while hi > lo && ByteClass.isWhitespace(b[hi - 1]) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }
}
