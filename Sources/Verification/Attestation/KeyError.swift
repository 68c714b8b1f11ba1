/// Malformed or unacceptable key material.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongPublicKeyLength(got: Int, want: Int)
    case wrongSeedLength(got: Int, want: Int)
    case invalidBase64(String)
    case rejectedByOpenSSL(operation: String)
    /// The 32 bytes (`hex`) are not the canonical encoding of a point; `reason` says which rule they break.
    case nonCanonicalPublicKey(hex: String, reason: NonCanonicalEncoding)
    /// The 32 bytes (`hex`) encode a point of order 1, 2, 4 or 8, under which one signature can hold for many messages.
    case smallOrderPublicKey(hex: String, order: Int)

    /// Why 32 bytes are not the one encoding RFC 8032 section 5.1.2 gives their point.
    public enum NonCanonicalEncoding: Equatable, Sendable, CustomStringConvertible {
        /// The y coordinate (bits 0-254) is at least p = 2^255 - 19; y - p names the same point.
        case yNotReduced
        /// x = 0 (y = 1 or y = p - 1) with the sign bit set; the sign of zero is 0.
        case signedZeroX

        public var description: String {
            switch self {
            case .yNotReduced: "y is not below p = 2^255 - 19"
            case .signedZeroX: "x is 0 but the sign bit is set"
            }
        }
    }

    public var description: String {
        switch self {
        case let .wrongPublicKeyLength(got, want): "public key has \(got) bytes, want \(want)"
        case let .wrongSeedLength(got, want): "private key seed has \(got) bytes, want \(want)"
        case let .invalidBase64(text): "not base64: \"\(text.prefix(80))\""
        case let .rejectedByOpenSSL(operation): "OpenSSL refused to \(operation)"
        case let .nonCanonicalPublicKey(hex, reason): "public key \(hex) is not a canonical point encoding: \(reason)"
        case let .smallOrderPublicKey(hex, order):
            "public key \(hex) is a point of small order \(order); signatures under it prove nothing"
        }
    }
}
