import Testing
@testable import HTTPCore

/// The parser stops after a head whose body follows, so the caller can route it and set the
/// body's limit before any body byte is read.
struct RequestParserBodyAdmissionTests {
    static let limits = ParserHarness.limits(maxBodyBytes: 1 << 20)

    @Test func announcesBodyBeforeReadingItWithItsLength() throws {
        var parser = HTTPRequestParser(limits: Self.limits)
        let action = parser.bytesReceived(Array("POST /p?q=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel".utf8))
        guard case .bodyFollows(let head, let length) = action else {
            Issue.record("expected .bodyFollows, got \(action)")
            return
        }
        #expect(head.method == .post && head.path == "/p" && head.body.isEmpty && length == 5)
        // Nothing is read until the body is admitted, however many bytes arrive.
        let action1 = parser.next()
        #expect(action1 == .needMoreData)
        #expect(parser.bodyByteCount == 0)
        let action2 = parser.admitBody(limit: 5)
        #expect(action2 == .needMoreData)
        #expect(parser.bodyByteCount == 3)
        guard case .request(let request) = parser.bytesReceived(Array("lo".utf8)) else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Array("hello".utf8))
    }

    @Test func contentLengthAtLimitIsAdmittedAndOneMoreRefusedAtOnce() {
        var atLimit = HTTPRequestParser(limits: Self.limits)
        _ = atLimit.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n".utf8))
        let action3 = atLimit.admitBody(limit: 10)
        #expect(action3 == .needMoreData)
        var over = HTTPRequestParser(limits: Self.limits)
        _ = over.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n".utf8))
        let action4 = over.admitBody(limit: 10)
        #expect(action4 == .error(.bodyTooLarge(length: 11, limit: 10)))
    }

    @Test func chunkedBodyAtLimitIsReadAndOneMoreByteRefused() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        var atLimit = HTTPRequestParser(limits: Self.limits)
        let action5 = atLimit.bytesReceived(Array(head.utf8))
        #expect(action5 != .needMoreData)
        _ = atLimit.admitBody(limit: 10)
        guard case .request(let request) = atLimit.bytesReceived(Array("6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n".utf8)) else {
            Issue.record("no request")
            return
        }
        #expect(request.body.count == 10)
        var over = HTTPRequestParser(limits: Self.limits)
        _ = over.bytesReceived(Array(head.utf8))
        _ = over.admitBody(limit: 10)
        let action6 = over.bytesReceived(Array("6\r\n012345\r\n5\r\n".utf8))
        #expect(action6 == .error(.bodyTooLarge(length: 11, limit: 10)))
    }

    @Test func routeLimitNeverExceedsTheServerLimit() {
        var parser = HTTPRequestParser(limits: ParserHarness.limits(maxBodyBytes: 8))
        _ = parser.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n".utf8))
        let action7 = parser.admitBody(limit: 100)
        #expect(action7 == .needMoreData)
        var over = HTTPRequestParser(limits: ParserHarness.limits(maxBodyBytes: 8))
        // Over the server's own limit: refused with the head, before any route is asked.
        let refused = over.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n".utf8))
        #expect(refused == .error(.bodyTooLarge(length: 9, limit: 8)))
    }

    @Test func invitesBodyWith100ContinueOnlyOnceAdmitted() {
        var parser = HTTPRequestParser(limits: Self.limits)
        let action = parser.bytesReceived(Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .bodyFollows = action else {
            Issue.record("expected .bodyFollows before 100 Continue, got \(action)")
            return
        }
        let action8 = parser.admitBody(limit: 2)
        #expect(action8 == .sendContinue)
    }
}
