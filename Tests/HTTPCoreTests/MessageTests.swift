import Foundation
import Testing
@testable import HTTPCore

struct MessageTests {
    @Test func looksUpHeadersCaseInsensitively() {
        var h: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1"]
        h.add(name: "x-a", value: "2")
        #expect(h["content-type"] == "text/plain")
        #expect(h.values("X-A") == ["1", "2"])
        h.set(name: "X-a", value: "3")
        #expect(h.values("x-A") == ["3"])
        h.remove(name: "CONTENT-TYPE")
        #expect(!h.contains("content-type"))
        #expect(h.count == 1)
    }

    @Test func writesProblemDetailsAsRFC9457JSON() throws {
        let p = ProblemDetails(status: .contentTooLarge, detail: "body \"too\" big\n",
                               extensions: ["limit": .int(10), "field": .string("body"), "status": .int(1)])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(p.jsonBytes())) as? [String: Any])
        #expect(json["type"] as? String == "about:blank")
        #expect(json["title"] as? String == "Content Too Large")
        #expect(json["status"] as? Int == 413)
        #expect(json["detail"] as? String == "body \"too\" big\n")
        #expect(json["limit"] as? Int == 10)
        #expect(json["field"] as? String == "body")
    }

    /// The bytes HTTPCore's own escaper wrote before problem details went through `JSONText`:
    /// control characters other than newline, return and tab as `\u00xx`, `/` and non-ASCII verbatim.
    @Test func writesProblemDetailsByteForByte() {
        let p = ProblemDetails(status: .contentTooLarge, detail: "a/\u{08}\u{0C}\u{01}\té",
                               extensions: ["ok": .bool(true), "names": .strings(["x", "y\"z"]), "limit": .int(10), "status": .int(1)])
        #expect(String(decoding: p.jsonBytes(), as: UTF8.self)
            == #"{"type":"about:blank","title":"Content Too Large","status":413,"detail":"a/\u0008\u000c\u0001\té","limit":10,"names":["x","y\"z"],"ok":true}"#)
    }

    @Test func formatsDateHeaderAsIMFFixdate() {
        var cache = DateCache()
        cache.update()
        let line = String(decoding: cache.line, as: UTF8.self)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let text = String(line.dropFirst("Date: ".count).dropLast(2))
        let parsed = formatter.date(from: text)
        #expect(parsed != nil)
        #expect(abs(parsed!.timeIntervalSinceNow) < 5)
        #expect(line.hasSuffix("\r\n"))
    }

    @Test func encodesResponseHeadWithLengthAndConnection() {
        var out: [UInt8] = []
        ResponseEncoder.appendHead(status: .ok, headers: ["X-A": "1"], date: Array("Date: x\r\n".utf8), framing: .length(12_345),
                                   keepAlive: false, version: .http1_1, to: &out)
        #expect(String(decoding: out, as: UTF8.self)
            == "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 12345\r\nConnection: close\r\nX-A: 1\r\n\r\n")
    }

    @Test func decodesQueryParameters() {
        let r = HTTPRequest(method: .get, target: "/p?a=1&b=x+y%21&c&a=2")
        #expect(r.path == "/p")
        #expect(r.queryParameters == ["a": "2", "b": "x y!", "c": ""])
    }

    @Test func takesPathOfAbsoluteFormTarget() {
        #expect(HTTPRequest(method: .get, target: "http://example.com/a/b?x=1").path == "/a/b")
        #expect(HTTPRequest(method: .get, target: "http://example.com").path == "/")
        #expect(HTTPRequest(method: .get, target: "http://example.com?x=1").path == "/")
        #expect(HTTPRequest(method: .get, target: "/plain?x").path == "/plain")
    }

    @Test func dropsFramingFieldsSetByHandlers() {
        var out: [UInt8] = []
        let headers: HTTPHeaders = ["content-length": "1", "Transfer-Encoding": "chunked", "X-Kept": "yes", "DATE": "x"]
        ResponseEncoder.appendHead(status: .ok, headers: headers, date: [], framing: .length(2), keepAlive: true,
                                   version: .http1_1, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Kept: yes\r\n\r\n")
    }
}
