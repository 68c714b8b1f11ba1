/// An Ethereum account address: the last 20 bytes of Keccak-256 of the uncompressed public key
/// without its 0x04 prefix (Ethereum yellow paper, appendix F), written with the EIP-55
/// mixed-case checksum.
public struct EthereumAddress: Hashable, Sendable, CustomStringConvertible {
    /// Length in bytes of an address.
    public static let byteCount = 20
    /// The zero address 0x0000000000000000000000000000000000000000.
    public static let zero = EthereumAddress(rawBytes: [UInt8](repeating: 0, count: byteCount))

    /// The 20 address bytes.
    public let rawBytes: [UInt8]

    /// Wraps 20 bytes. Requires `rawBytes.count == 20`.
    public init(rawBytes: [UInt8]) {
        precondition(rawBytes.count == Self.byteCount, "an address has 20 bytes, got \(rawBytes.count)")
        self.rawBytes = rawBytes
    }

    /// The address of a 65-byte uncompressed public key 0x04 || X || Y.
    public init(uncompressedPublicKey key: [UInt8]) {
        precondition(key.count == 65 && key[0] == 0x04, "an uncompressed public key has 65 bytes starting 0x04")
        self.init(rawBytes: Array(Keccak256.hash(Array(key[1...])).suffix(Self.byteCount)))
    }

    /// Parses "0x" and 40 hex digits: all lower case, all upper case, or mixed case with a valid
    /// EIP-55 checksum (a mixed-case text with a wrong checksum is a typo, refused).
    public init?(text: String) {
        guard text.hasPrefix("0x"), let raw = Hex.decode(String(text.dropFirst(2))), raw.count == Self.byteCount else {
            return nil
        }
        let digits = text.dropFirst(2)
        let allLower = digits == digits.lowercased(), allUpper = digits == digits.uppercased()
        self.init(rawBytes: raw)
        guard allLower || allUpper || text == checksummed else { return nil }
    }

    /// EIP-55: "0x" and the lower-case hex digits, each letter upper-cased where the matching
    /// nibble of Keccak-256(lower-case hex text) is 8 or more.
    public var checksummed: String {
        let lower = Array(Hex.encode(rawBytes).utf8)
        let hash = Keccak256.hash(lower)
        var out = Array("0x".utf8)
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= UInt8(ascii: "a") && nibble >= 8 ? c - 32 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { checksummed }
}
