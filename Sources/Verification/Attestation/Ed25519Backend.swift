internal import CCrypto

/// Owns one OpenSSL `EVP_PKEY` and frees it exactly once.
///
/// Shared between threads read-only: OpenSSL 3 allows concurrent sign and verify
/// operations on one key as long as each uses its own `EVP_MD_CTX`.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }
}

/// The OpenSSL EVP calls behind `SigningKey`, `PublicKey` and `KeyFile`.
///
/// Ed25519 is PureEdDSA (RFC 8032): `EVP_DigestSign` / `EVP_DigestVerify` are called
/// with no digest and the whole message at once.
enum Ed25519Backend {
    static let seedByteCount = 32
    static let publicKeyByteCount = 32
    static let signatureByteCount = 64

    /// A private key from its 32-byte seed (RFC 8032 "secret key"). Requires `seed.count == 32`.
    static func privateKey(seed: [UInt8]) -> EVPKey {
        precondition(seed.count == seedByteCount, "an Ed25519 seed has 32 bytes, got \(seed.count)")
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            fatalError("EVP_PKEY_new_raw_private_key failed: \(lastError())")
        }
        return EVPKey(key)
    }

    /// A public key from its 32 raw bytes; nil if OpenSSL refuses them. Requires `raw.count == 32`.
    static func publicKey(raw: [UInt8]) -> EVPKey? {
        precondition(raw.count == publicKeyByteCount, "an Ed25519 public key has 32 bytes, got \(raw.count)")
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            ERR_clear_error()
            return nil
        }
        return EVPKey(key)
    }

    /// True when the key is an Ed25519 key (private or public).
    static func isEd25519(_ key: EVPKey) -> Bool {
        EVP_PKEY_get_id(key.pointer) == EVP_PKEY_ED25519
    }

    /// The 32 raw public-key bytes of an Ed25519 key.
    static func rawPublicKey(_ key: EVPKey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: publicKeyByteCount)
        var length = out.count
        guard EVP_PKEY_get_raw_public_key(key.pointer, &out, &length) == 1, length == publicKeyByteCount else {
            fatalError("EVP_PKEY_get_raw_public_key failed: \(lastError())")
        }
        return out
    }

    /// The 32 random bytes of a fresh seed, from OpenSSL's private DRBG.
    static func randomSeed() -> [UInt8] {
        var seed = [UInt8](repeating: 0, count: seedByteCount)
        guard RAND_priv_bytes(&seed, Int32(seedByteCount)) == 1 else {
            fatalError("RAND_priv_bytes failed: \(lastError())")
        }
        return seed
    }

    /// Signs `message` (PureEdDSA); always 64 bytes.
    static func sign(_ key: EVPKey, message: [UInt8]) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, key.pointer) == 1 else {
            fatalError("EVP_DigestSignInit failed: \(lastError())")
        }
        var signature = [UInt8](repeating: 0, count: signatureByteCount)
        var length = signature.count
        let status = withMessagePointer(message) { EVP_DigestSign(ctx, &signature, &length, $0, message.count) }
        guard status == 1, length == signatureByteCount else { fatalError("EVP_DigestSign failed: \(lastError())") }
        return signature
    }

    /// True when `signature` is a valid Ed25519 signature of `message` under `key`.
    static func verify(_ key: EVPKey, signature: [UInt8], message: [UInt8]) -> Bool {
        // OpenSSL rejects other lengths too; checking first keeps its error queue clean.
        guard signature.count == signatureByteCount else { return false }
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, key.pointer) == 1 else {
            fatalError("EVP_DigestVerifyInit failed: \(lastError())")
        }
        let status = withMessagePointer(message) { EVP_DigestVerify(ctx, signature, signature.count, $0, message.count) }
        if status != 1 { ERR_clear_error() }
        return status == 1
    }

    /// Calls `body` with a non-null pointer to the message bytes, even for an empty message.
    private static func withMessagePointer<R>(_ message: [UInt8], _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if message.isEmpty {
            var placeholder: UInt8 = 0
            return body(&placeholder)
        }
        return message.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// The oldest error on OpenSSL's queue for this thread, as text; clears the queue.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "no OpenSSL error queued" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
