internal import Foundation

/// One exemption from the address refusal: an address or CIDR block, optionally one port.
///
/// Syntax: `10.0.0.0/8`, `127.0.0.1` (a /32), `127.0.0.1:9000`, `10.1.0.0/16:443`, `fd12::/16`,
/// `[::1]:9000`, `[fd12::/16]:443`. Entries name addresses, not host names: the check runs on
/// the address actually connected to, so a name that re-resolves elsewhere gains nothing.
public struct AllowlistEntry: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length over the 128-bit (IPv4-mapped) form.
    public let prefixLength: Int
    public let port: Int?
    public let description: String

    /// Why an allowlist entry did not parse.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let entry: String
        public var description: String { "invalid allowlist entry \"\(entry)\": want ADDRESS[/PREFIX][:PORT], IPv6 in brackets when a port follows" }
    }

    public init(parsing text: String) throws(ParseError) {
        var rest = Substring(text)
        var port: Int? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw ParseError(entry: text) }
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65_535).contains(p) else { throw ParseError(entry: text) }
                port = p
            }
            rest = rest[rest.index(after: rest.startIndex)..<close]
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else { throw ParseError(entry: text) }
            port = p
            rest = rest[..<colon]
        }
        var prefix: Int? = nil
        if let slash = rest.firstIndex(of: "/") {
            guard let p = Int(rest[rest.index(after: slash)...]) else { throw ParseError(entry: text) }
            prefix = p
            rest = rest[..<slash]
        }
        guard let address = IPAddress(String(rest)) else { throw ParseError(entry: text) }
        let width = address.isIPv4 ? 32 : 128
        let bits = prefix ?? width
        guard (0...width).contains(bits) else { throw ParseError(entry: text) }
        network = address
        prefixLength = address.isIPv4 ? 96 + bits : bits
        self.port = port
        description = text
    }

    /// Whether a connection to `address` on `port` is exempt.
    public func permits(_ address: IPAddress, port: Int) -> Bool {
        address.matches(network, prefixLength: prefixLength) && (self.port == nil || self.port == port)
    }

    /// Parses a comma-separated list (the VERIFIER_FETCH_ALLOWLIST format); blanks are ignored.
    public static func parseList(_ text: String) throws(ParseError) -> [AllowlistEntry] {
        var out: [AllowlistEntry] = []
        for part in text.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { out.append(try AllowlistEntry(parsing: trimmed)) }
        }
        return out
    }
}
