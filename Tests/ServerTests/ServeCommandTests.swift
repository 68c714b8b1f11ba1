import Foundation
import Testing
@testable import Server

struct ServeCommandTests {
    @Test func defaultsToLoopbackPort8080() throws {
        let c = try ServeCommand.configuration(ArgumentScanner([], valued: ["--host", "--port"]), environment: [:])
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8080)
    }

    @Test func readsEnvironmentAndLetsFlagsWin() throws {
        let environment = ["VERIFIER_HOST": "::1", "VERIFIER_PORT": "9000"]
        let fromEnv = try ServeCommand.configuration(ArgumentScanner([], valued: ["--host", "--port"]), environment: environment)
        #expect(fromEnv.host == "::1" && fromEnv.port == 9000)
        let flags = try ArgumentScanner(["--host", "0.0.0.0", "--port", "9100"], valued: ["--host", "--port"])
        let fromFlags = try ServeCommand.configuration(flags, environment: environment)
        #expect(fromFlags.host == "0.0.0.0" && fromFlags.port == 9100)
    }

    @Test(arguments: ["-1", "65536", "http"])
    func refusesInvalidPort(_ port: String) throws {
        #expect(throws: UsageError.self) {
            try ServeCommand.configuration(ArgumentScanner([], valued: ["--host", "--port"]), environment: ["VERIFIER_PORT": port])
        }
    }

    @Test func quotesLogValuesWithSpaces() {
        #expect(StderrLog.quoted("/healthz") == "/healthz")
        #expect(StderrLog.quoted("a b\"c") == #""a b\"c""#)
    }
}
