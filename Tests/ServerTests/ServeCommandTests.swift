import Foundation
import Testing
@testable import Server

struct ServeCommandTests {
    @Test func defaultsToLoopbackPort8080() throws {
        let c = try ServiceConfiguration.parse([], environment: [:])
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8080)
    }

    @Test func readsEnvironmentAndLetsFlagsWin() throws {
        let environment = ["VERIFIER_HOST": "::1", "VERIFIER_PORT": "9000"]
        let fromEnv = try ServiceConfiguration.parse([], environment: environment)
        #expect(fromEnv.host == "::1" && fromEnv.port == 9000)
        let fromFlags = try ServiceConfiguration.parse(["--host", "0.0.0.0", "--port", "9100"], environment: environment)
        #expect(fromFlags.host == "0.0.0.0" && fromFlags.port == 9100)
    }

    @Test(arguments: ["-1", "65536", "http"])
    func refusesInvalidPort(_ port: String) throws {
        #expect(throws: UsageError.self) {
            try ServiceConfiguration.parse([], environment: ["VERIFIER_PORT": port])
        }
    }

    @Test func quotesLogValuesWithSpaces() {
        #expect(StderrLog.quoted("/healthz") == "/healthz")
        #expect(StderrLog.quoted("a b\"c") == #""a b\"c""#)
        #expect(StderrLog.quoted("k=v\\\n") == #""k=v\\\n""#)
        #expect(StderrLog.quoted("") == #""""#)
        #expect(StderrLog.quoted("/é") == "/é")
    }

    /// The byte-built request line writes the duration as Swift prints the rounded Double.
    @Test(arguments: [0, 0.0004, 0.0005, 0.0015, 0.012, 0.1, 1, 3.25, 12.5, 99.9999, 1234.5678, 86_400_000.001])
    func formatsRequestLinesLikeDoubleDescription(_ ms: Double) {
        var line: [UInt8] = []
        StderrLog.appendRequestLine(method: "GET", path: "/a b", status: 200, durationMs: ms, to: &line)
        let expected = "event=request method=GET path=\"/a b\" status=200 duration_ms=\((ms * 1000).rounded() / 1000)"
        #expect(String(decoding: line, as: UTF8.self) == expected)
    }
}
