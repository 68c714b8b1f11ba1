import Testing
@testable import Server

/// VERIFIER_FETCH_* variables override the defaults; malformed values are refused.
@Suite struct FetchEnvironmentTests {
    @Test func defaultsWithoutVariables() throws {
        #expect(try FetchConfiguration(environment: [:]) == FetchConfiguration())
    }

    @Test func variablesOverrideFields() throws {
        let c = try FetchConfiguration(environment: [
            "VERIFIER_FETCH_ALLOWLIST": "10.0.0.0/8,127.0.0.1:9000", "VERIFIER_FETCH_MAX_BYTES": "1024",
            "VERIFIER_FETCH_TIMEOUT_MS": "2000", "VERIFIER_FETCH_CONNECT_TIMEOUT_MS": "300",
            "VERIFIER_FETCH_MAX_REDIRECTS": "0",
        ])
        #expect(c.allowlist.count == 2)
        #expect(c.maxBytes == 1_024 && c.totalTimeout == .seconds(2) && c.connectTimeout == .milliseconds(300))
        #expect(c.maxRedirects == 0)
    }

    @Test(arguments: [("VERIFIER_FETCH_MAX_BYTES", "0"), ("VERIFIER_FETCH_MAX_BYTES", "1k"), ("VERIFIER_FETCH_MAX_REDIRECTS", "51"),
                      ("VERIFIER_FETCH_ALLOWLIST", "example.org")])
    func refusesMalformedValue(_ name: String, _ value: String) {
        #expect(throws: FetchConfiguration.EnvironmentError.self) { try FetchConfiguration(environment: [name: value]) }
    }
}
