#if canImport(Glibc)
internal import Glibc
#endif

/// An IP address as 16 bytes, IPv4 held in its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so
/// that one set of rules covers both families and the mapped spelling of every IPv4 range.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Why an address is not public; `nil` from `category` means it is.
    public enum Category: String, Sendable, Hashable {
        case unspecified, loopback, `private`, linkLocal, sharedCGNAT, multicast, metadata, reserved
    }

    public let bytes: [UInt8]

    /// Requires exactly 16 bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "Requires 16 bytes")
        self.bytes = bytes
    }

    /// The IPv4-mapped form of a.b.c.d.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.init(bytes: Array(repeating: 0, count: 10) + [0xff, 0xff, a, b, c, d])
    }

    /// Parses dotted IPv4 or textual IPv6 (inet_pton); nil when neither.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let b = withUnsafeBytes(of: v4) { Array($0) }
            self.init(ipv4: b[0], b[1], b[2], b[3])
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: v6) { Array($0) })
    }

    /// Whether this is an IPv4 address (in mapped form).
    public var isIPv4: Bool { bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff }

    /// Whether the first `prefixLength` bits (of the 128) equal those of `network`.
    public func matches(_ network: IPAddress, prefixLength: Int) -> Bool {
        var bits = prefixLength
        for i in 0..<16 where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xff : UInt8(0xff) << UInt8(8 - bits)
            if bytes[i] & mask != network.bytes[i] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// The refused ranges, most specific first: (network, prefix length over 128 bits, category).
    /// IPv4 ranges are written as their mapped forms (prefix + 96).
    static let refusedRanges: [(IPAddress, Int, Category)] = [
        (IPAddress(ipv4: 169, 254, 169, 254), 128, .metadata),
        (IPAddress("fd00:ec2::254")!, 128, .metadata),
        (IPAddress(ipv4: 0, 0, 0, 0), 96 + 8, .unspecified),
        (IPAddress(ipv4: 127, 0, 0, 0), 96 + 8, .loopback),
        (IPAddress(ipv4: 10, 0, 0, 0), 96 + 8, .private),
        (IPAddress(ipv4: 172, 16, 0, 0), 96 + 12, .private),
        (IPAddress(ipv4: 192, 168, 0, 0), 96 + 16, .private),
        (IPAddress(ipv4: 169, 254, 0, 0), 96 + 16, .linkLocal),
        (IPAddress(ipv4: 100, 64, 0, 0), 96 + 10, .sharedCGNAT),
        (IPAddress(ipv4: 224, 0, 0, 0), 96 + 4, .multicast),
        (IPAddress(ipv4: 240, 0, 0, 0), 96 + 4, .reserved),
        (IPAddress("::")!, 128, .unspecified),
        (IPAddress("::1")!, 128, .loopback),
        (IPAddress("fc00::")!, 7, .private),
        (IPAddress("fe80::")!, 10, .linkLocal),
        (IPAddress("fec0::")!, 10, .private),
        (IPAddress("ff00::")!, 8, .multicast),
        // IPv4-compatible ::a.b.c.d (deprecated) and NAT64 64:ff9b::/96 embed IPv4 addresses
        // that could be private; refused as a whole rather than decoded.
        (IPAddress("::")!, 96, .reserved),
        (IPAddress("64:ff9b::")!, 96, .reserved),
    ]

    /// Why the address is refused by default, or nil for a public address.
    public var category: Category? {
        Self.refusedRanges.first { matches($0.0, prefixLength: $0.1) }?.2
    }

    public var description: String {
        if isIPv4 { return bytes[12...].map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
