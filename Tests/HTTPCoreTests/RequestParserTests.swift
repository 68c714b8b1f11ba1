import Testing
@testable import HTTPCore

struct RequestParserTests {
    struct Invalid: Sendable, CustomStringConvertible {
        let name: String
        let raw: String
        let error: HTTPParseError
        var description: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "content-length with transfer-encoding",
                raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", error: .contentLengthWithTransferEncoding),
        Invalid(name: "conflicting content-length fields",
                raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", error: .conflictingContentLength),
        Invalid(name: "conflicting content-length list",
                raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", error: .conflictingContentLength),
        Invalid(name: "signed content-length", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", error: .invalidContentLength),
        Invalid(name: "hex content-length", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\nabc", error: .invalidContentLength),
        Invalid(name: "empty content-length", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", error: .invalidContentLength),
        Invalid(name: "huge content-length", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", error: .invalidContentLength),
        Invalid(name: "chunked not last", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", error: .chunkedNotLast),
        Invalid(name: "chunked twice", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", error: .chunkedNotLast),
        Invalid(name: "only gzip coding", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", error: .chunkedNotLast),
        Invalid(name: "unknown coding before chunked",
                raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", error: .unknownTransferCoding("gzip")),
        Invalid(name: "transfer-encoding in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", error: .transferEncodingInHTTP10),
        Invalid(name: "missing host", raw: "GET / HTTP/1.1\r\n\r\n", error: .missingHost),
        Invalid(name: "duplicate host", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", error: .duplicateHost),
        Invalid(name: "whitespace before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", error: .whitespaceBeforeColon),
        Invalid(name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", error: .obsoleteLineFolding),
        Invalid(name: "control character in value", raw: "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n", error: .controlCharacterInField(byte: 1)),
        Invalid(name: "DEL in value", raw: "GET / HTTP/1.1\r\nHost: a\u{7F}\r\n\r\n", error: .controlCharacterInField(byte: 0x7F)),
        Invalid(name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: a\u{0}\r\n\r\n", error: .controlCharacterInField(byte: 0)),
        Invalid(name: "invalid token in name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", error: .invalidFieldName),
        Invalid(name: "empty field name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", error: .invalidFieldName),
        Invalid(name: "line without colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", error: .missingColon),
        Invalid(name: "bare CR in field", raw: "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", error: .bareCarriageReturn),
        Invalid(name: "bare LF in field", raw: "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", error: .bareLineFeed),
        Invalid(name: "bare LF request line", raw: "GET / HTTP/1.1\nHost: a\r\n\r\n", error: .bareLineFeed),
        Invalid(name: "invalid method token", raw: "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        Invalid(name: "two spaces in request line", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTarget),
        Invalid(name: "missing version", raw: "GET /\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        Invalid(name: "lowercase version", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", error: .invalidVersion),
        Invalid(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", error: .unsupportedVersion(major: 2, minor: 0)),
        Invalid(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", error: .unsupportedVersion(major: 1, minor: 2)),
        Invalid(name: "HTTP/0.9", raw: "GET / HTTP/0.9\r\n\r\n", error: .unsupportedVersion(major: 0, minor: 9)),
        Invalid(name: "unsupported expectation", raw: "POST / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", error: .unsupportedExpectation("magic")),
        Invalid(name: "chunk size not hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", error: .invalidChunkSize),
        Invalid(name: "chunk size empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", error: .invalidChunkSize),
        Invalid(name: "chunk size overflow", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", error: .invalidChunkSize),
        Invalid(name: "chunk data without CRLF", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", error: .missingChunkTerminator),
        Invalid(name: "chunk extension with control", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a\u{1}\r\n", error: .invalidChunkExtension),
        Invalid(name: "bare LF in chunk size", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n", error: .bareLineFeed),
        Invalid(name: "trailer with obs-fold", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", error: .obsoleteLineFolding),
    ]

    @Test(arguments: invalid)
    func refusesInvalidRequest(_ c: Invalid) {
        let outcomes = ParserHarness.parse(c.raw)
        #expect(outcomes != nil, "byte-at-a-time feeding disagrees with whole input")
        #expect(ParserHarness.error(outcomes) == c.error)
        #expect(ParserHarness.requests(outcomes).isEmpty)
    }

    @Test func mapsErrorsToTheirStatuses() {
        #expect(HTTPParseError.contentLengthWithTransferEncoding.status.code == 400)
        #expect(HTTPParseError.unknownTransferCoding("gzip").status.code == 501)
        #expect(HTTPParseError.unsupportedVersion(major: 2, minor: 0).status.code == 505)
        #expect(HTTPParseError.targetTooLong(length: 2, limit: 1).status.code == 414)
        #expect(HTTPParseError.requestLineTooLong(limit: 1).status.code == 414)
        #expect(HTTPParseError.headersTooLarge(limit: 1).status.code == 431)
        #expect(HTTPParseError.tooManyHeaders(limit: 1).status.code == 431)
        #expect(HTTPParseError.bodyTooLarge(length: 2, limit: 1).status.code == 413)
        #expect(HTTPParseError.unsupportedExpectation("x").status.code == 417)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser(limits: ParserHarness.limits())
        #expect(parser.bytesReceived(Array("GET / HTTP/1.1\r\n\r\n".utf8)) == .error(.missingHost))
        #expect(parser.bytesReceived(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) == .error(.missingHost))
    }
}
