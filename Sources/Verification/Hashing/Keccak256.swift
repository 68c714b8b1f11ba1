internal import CKernels

/// Keccak-256, the hash of Ethereum (`keccak256` in Solidity, `KECCAK256` in the EVM): the
/// original Keccak padding, not FIPS 202's SHA3-256, which gives other digests.
///
/// OpenSSL 3.0 has no Keccak-256, so the sponge is the C kernel `Sources/CKernels/keccak256.c`.
public enum Keccak256 {
    /// Length in bytes of a Keccak-256 digest.
    public static let byteCount = 32

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeBufferPointer { message in
            out.withUnsafeMutableBufferPointer { keccak256($0.baseAddress!, message.baseAddress, message.count) }
        }
        return out
    }
}
