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
    }
}
