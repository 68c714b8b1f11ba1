import Testing
@testable import HTTPCore

struct RequestParserAcceptanceTests {
    private func single(_ raw: String, limits: HTTPRequestParser.Limits = ParserHarness.limits()) -> HTTPRequest? {
        let outcomes = ParserHarness.parse(raw, limits: limits)
        let requests = ParserHarness.requests(outcomes)
        return requests.count == 1 && ParserHarness.error(outcomes) == nil ? requests[0] : nil
    }

    @Test func parsesRequestLineHeadersAndQuery() throws {
        let r = try #require(single("GET /v1/items/7?full=1&name=a%20b+c HTTP/1.1\r\nHost: example\r\nX-Trace:  abc \r\n\r\n"))
        #expect(r.method == .get)
        #expect(r.path == "/v1/items/7")
        #expect(r.queryParameters == ["full": "1", "name": "a b c"])
        #expect(r.headers["host"] == "example")
        #expect(r.headers["X-TRACE"] == "abc")
        #expect(r.version == .http1_1)
        #expect(r.keepAlive)
        #expect(r.body.isEmpty)
    }

    @Test func readsContentLengthBody() throws {
        let r = try #require(single("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"))
        #expect(r.body == Array("hello".utf8))
    }

    @Test func acceptsRepeatedIdenticalContentLength() throws {
        let r = try #require(single("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nhi"))
        #expect(r.body == Array("hi".utf8))
    }

    @Test func decodesChunkedBodyWithExtensionsAndTrailers() throws {
        let raw = "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=\"v\"\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Checksum: 42\r\n\r\n"
        let r = try #require(single(raw))
        #expect(r.body == Array("hello, world!!!".utf8))
        #expect(r.trailers["x-checksum"] == "42")
    }

    @Test func appliesKeepAliveRulesOfEachVersion() throws {
        #expect(try #require(single("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).keepAlive)
        #expect(try !#require(single("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).keepAlive)
        #expect(try !#require(single("GET / HTTP/1.0\r\n\r\n")).keepAlive)
        #expect(try #require(single("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).keepAlive)
    }

    @Test func ignoresEmptyLinesBeforeRequestLine() throws {
        #expect(single("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")?.path == "/")
    }

    @Test func returnsPipelinedRequestsInOrder() {
        let raw = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\nGET /4 HTTP/1.1\r\nHost: a\r\n\r\n"
        let requests = ParserHarness.requests(ParserHarness.parse(raw))
        #expect(requests.map(\.target) == ["/1", "/2", "/3", "/4"])
        #expect(requests.map(\.body) == [[], Array("abc".utf8), Array("z".utf8), []])
    }

    @Test func asksForContinueBeforeBodyArrives() {
        let head = Array("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8)
        let outcomes = ParserHarness.run([head, Array("ok".utf8)])
        #expect(outcomes.count == 2)
        #expect(outcomes.first == .sendContinue)
        #expect(ParserHarness.requests(outcomes).first?.body == Array("ok".utf8))
    }

    @Test func ignoresContinueExpectationFromHTTP10() {
        let outcomes = ParserHarness.run([Array("PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8)])
        #expect(outcomes == [])
    }

    @Test func acceptsTargetAtLimitAndRefusesOneMore() {
        let limits = ParserHarness.limits(maxTargetBytes: 10)
        #expect(single("GET /123456789 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) != nil)
        let outcomes = ParserHarness.parse("GET /1234567890 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .targetTooLong(length: 11, limit: 10))
    }

    @Test func acceptsHeadAtLimitAndRefusesOneMore() {
        let head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let limits = ParserHarness.limits(maxHeaderBytes: head.utf8.count)
        #expect(single(head, limits: limits) != nil)
        let outcomes = ParserHarness.parse("GET / HTTP/1.1\r\nHost: ab\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .headersTooLarge(limit: head.utf8.count))
    }

    @Test func refusesEndlessRequestLineWith414() {
        let limits = ParserHarness.limits(maxHeaderBytes: 64)
        let outcomes = ParserHarness.parse("GET /" + String(repeating: "a", count: 100), limits: limits)
        #expect(ParserHarness.error(outcomes) == .requestLineTooLong(limit: 64))
    }

    @Test func acceptsHeaderCountAtLimitAndRefusesOneMore() {
        let limits = ParserHarness.limits(maxHeaderCount: 3)
        #expect(single("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) != nil)
        let outcomes = ParserHarness.parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .tooManyHeaders(limit: 3))
    }

    @Test func acceptsBodyAtLimitAndRefusesOneMoreBeforeReadingIt() {
        let limits = ParserHarness.limits(maxBodyBytes: 4)
        #expect(single("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd", limits: limits) != nil)
        // No body bytes follow: the refusal comes from the head alone.
        let outcomes = ParserHarness.parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .bodyTooLarge(length: 5, limit: 4))
    }

    @Test func acceptsChunkedBodyAtLimitAndRefusesOneMore() {
        let limits = ParserHarness.limits(maxBodyBytes: 4)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(single(head + "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", limits: limits) != nil)
        let outcomes = ParserHarness.parse(head + "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .bodyTooLarge(length: 5, limit: 4))
    }

    @Test func acceptsTrailerCountAtLimitAndRefusesOneMore() {
        let limits = ParserHarness.limits(maxHeaderCount: 2)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        #expect(single(head + "A: 1\r\nB: 2\r\n\r\n", limits: limits) != nil)
        let outcomes = ParserHarness.parse(head + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits)
        #expect(ParserHarness.error(outcomes) == .tooManyHeaders(limit: 2))
    }

    @Test func splitsAtEveryPointAgree() {
        let raw = Array(("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n"
            + "GET /b HTTP/1.1\r\nHost: a\r\n\r\n").utf8)
        let whole = ParserHarness.run([raw])
        for cut in 0...raw.count {
            #expect(ParserHarness.run([Array(raw[..<cut]), Array(raw[cut...])]) == whole)
        }
    }
}

extension RequestParserAcceptanceTests {
    /// Found by the fuzzer: a CR just past the head limit was judged by the byte after it when
    /// that byte had arrived, and by the size limit when it had not.
    @Test func judgesCarriageReturnAtHeadLimitTheSameWhateverArrivedAfterIt() {
        let limits = ParserHarness.limits(maxHeaderBytes: 32)
        let head = "GET / HTTP/1.1\r\nHost: a\r\nX: 1234"
        let raw = head + "\r" + "U"
        #expect(head.utf8.count == 32)
        #expect(ParserHarness.parse(raw, limits: limits).map(ParserHarness.error) == .headersTooLarge(limit: 32))
    }
}
