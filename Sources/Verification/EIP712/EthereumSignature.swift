/// A 65-byte secp256k1 ECDSA signature as Ethereum's `ecrecover` takes it: r (32 bytes, big-endian)
/// || s (32 bytes) || v (one byte, 27 or 28).
///
/// v = 27 + the y parity of the nonce point R, the recovery id that lets `ecrecover` find the
/// signer's key from the digest alone. This service writes only low-s signatures (s <= n/2,
/// EIP-2): the other of the pair (r, n - s) with v flipped is just as valid to `ecrecover`, and
/// contracts using OpenZeppelin's ECDSA library refuse it.
public struct EthereumSignature: Hashable, Sendable, CustomStringConvertible {
    /// Length in bytes of the encoding.
    public static let byteCount = 65

    /// r || s || v.
    public let rawBytes: [UInt8]

    /// Wraps 65 bytes as they are; `recoverSigner` judges them.
    public init?(rawBytes: [UInt8]) {
        guard rawBytes.count == Self.byteCount else { return nil }
        self.rawBytes = rawBytes
    }

    public var r: [UInt8] { Array(rawBytes[0..<32]) }
    public var s: [UInt8] { Array(rawBytes[32..<64]) }
    public var v: UInt8 { rawBytes[64] }

    /// True when s <= n/2.
    public var isLowS: Bool { !Secp256k1Backend.halfOrder.lexicographicallyPrecedes(s) }

    /// "0x" and 130 lower-case hex digits.
    public var hex: String { "0x" + Hex.encode(rawBytes) }

    /// The address whose key made this signature of `digest`, as OpenZeppelin's
    /// `ECDSA.tryRecover` finds it; nil where it fails: v not 27 or 28, r or s not in
    /// [1, n - 1], s above n/2, or no key recovers. A valid signature by another key
    /// recovers another address: compare the result with the expected signer.
    public func recoverSigner(digest: [UInt8]) -> EthereumAddress? {
        guard digest.count == 32, v == 27 || v == 28, isLowS,
              let key = Secp256k1Backend.recover(digest: digest, r: r, s: s, yParity: v - 27) else { return nil }
        return EthereumAddress(uncompressedPublicKey: key)
    }

    public var description: String { hex }
}
