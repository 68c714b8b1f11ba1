internal import CCrypto

/// PEM encoding of Ed25519 keys through OpenSSL memory BIOs: PKCS#8 "PRIVATE KEY"
/// (RFC 5958 / RFC 8410) and SubjectPublicKeyInfo "PUBLIC KEY".
extension Ed25519Backend {
    /// The unencrypted PKCS#8 PEM text of a private key.
    static func privateKeyPEM(_ key: EVPKey) -> [UInt8] {
        // The secure-heap BIO keeps the encoded secret out of ordinary heap pages.
        writePEM(method: BIO_s_secmem()) { PEM_write_bio_PrivateKey($0, key.pointer, nil, nil, 0, nil, nil) }
    }

    /// The SubjectPublicKeyInfo PEM text of a key's public half.
    static func publicKeyPEM(_ key: EVPKey) -> [UInt8] {
        writePEM(method: BIO_s_mem()) { PEM_write_bio_PUBKEY($0, key.pointer) }
    }

    /// Parses the first "PRIVATE KEY" PEM block; nil if OpenSSL cannot read it.
    /// Never prompts: an encrypted key is refused rather than asking for a passphrase.
    static func readPrivateKeyPEM(_ text: [UInt8]) -> EVPKey? {
        readPEM(text) { PEM_read_bio_PrivateKey($0, nil, refusePassphrase, nil) }
    }

    /// Parses the first "PUBLIC KEY" PEM block; nil if OpenSSL cannot read it.
    static func readPublicKeyPEM(_ text: [UInt8]) -> EVPKey? {
        readPEM(text) { PEM_read_bio_PUBKEY($0, nil, refusePassphrase, nil) }
    }

    private static let refusePassphrase: @convention(c) (
        UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
    ) -> Int32 = { _, _, _, _ in -1 }

    private static func writePEM(method: OpaquePointer?, _ write: (OpaquePointer) -> Int32) -> [UInt8] {
        guard let bio = BIO_new(method) else { fatalError("BIO_new failed: out of memory") }
        defer { BIO_free_all(bio) }
        guard write(bio) == 1 else { fatalError("PEM write failed: \(lastError())") }
        let pending = BIO_ctrl_pending(bio)
        var out = [UInt8](repeating: 0, count: pending)
        guard BIO_read(bio, &out, Int32(pending)) == Int32(pending) else { fatalError("BIO_read failed: \(lastError())") }
        return out
    }

    private static func readPEM(_ text: [UInt8], _ read: (OpaquePointer) -> OpaquePointer?) -> EVPKey? {
        guard !text.isEmpty, text.count <= Int(Int32.max) else { return nil }
        let key: OpaquePointer? = text.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free_all(bio) }
            return read(bio)
        }
        guard let key else {
            ERR_clear_error()
            return nil
        }
        return EVPKey(key)
    }
}
