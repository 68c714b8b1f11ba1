internal import Foundation

extension FetchConfiguration {
    /// A variable that does not parse, with its value.
    public struct EnvironmentError: Error, Equatable, Sendable, CustomStringConvertible {
        public let variable: String
        public let value: String
        public let expected: String
        public var description: String { "\(variable)=\"\(value)\": expected \(expected)" }
    }

    /// The environment variables read by `init(environment:)`, each overriding one field.
    public static let environmentVariables = [
        "VERIFIER_FETCH_ALLOWLIST", "VERIFIER_FETCH_MAX_BYTES", "VERIFIER_FETCH_TIMEOUT_MS",
        "VERIFIER_FETCH_CONNECT_TIMEOUT_MS", "VERIFIER_FETCH_MAX_REDIRECTS",
        "VERIFIER_FETCH_CA_FILE",
    ]

    /// The defaults overridden by the VERIFIER_FETCH_* variables present in `environment`
    /// (docs/configuration-fetch.md); a malformed value is an error, never ignored.
    public init(environment: [String: String]) throws(EnvironmentError) {
        self.init()
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(EnvironmentError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let n = Int(text), range.contains(n) else {
                throw EnvironmentError(variable: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        if let text = environment["VERIFIER_FETCH_ALLOWLIST"] {
            do { allowlist = try AllowlistEntry.parseList(text) } catch {
                throw EnvironmentError(variable: "VERIFIER_FETCH_ALLOWLIST", value: text, expected: "comma-separated ADDRESS[/PREFIX][:PORT]")
            }
        }
        maxBytes = try integer("VERIFIER_FETCH_MAX_BYTES", 1...(1 << 40)) ?? maxBytes
        totalTimeout = try integer("VERIFIER_FETCH_TIMEOUT_MS", 1...86_400_000).map { .milliseconds($0) } ?? totalTimeout
        connectTimeout = try integer("VERIFIER_FETCH_CONNECT_TIMEOUT_MS", 1...86_400_000).map { .milliseconds($0) } ?? connectTimeout
        maxRedirects = try integer("VERIFIER_FETCH_MAX_REDIRECTS", 0...50) ?? maxRedirects
        if let text = environment["VERIFIER_FETCH_CA_FILE"] {
            guard FileManager.default.isReadableFile(atPath: text) else {
                throw EnvironmentError(variable: "VERIFIER_FETCH_CA_FILE", value: text, expected: "a readable PEM file")
            }
            caFile = text
        }
    }
}
