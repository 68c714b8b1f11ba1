internal import CCrypto

/// PKCS#8 PEM of secp256k1 private keys through OpenSSL: an EC key (id-ecPublicKey) on the
/// named curve secp256k1 (OID 1.3.132.0.10), holding the scalar and the public point.
extension Secp256k1Backend {
    /// What a private key PEM block holds, as far as `Secp256k1SigningKey` needs to know.
    enum DecodedKey {
        /// An EC key on secp256k1: its scalar as OpenSSL read it (not yet range-checked), and its
        /// public point, uncompressed (the file's, or derived by OpenSSL when the file has none);
        /// nil when OpenSSL holds no point (the scalar is 0 or a multiple of n).
        case secp256k1(scalar: [UInt8], publicKey: [UInt8]?)
        /// A scalar longer than 32 bytes: not below n.
        case scalarTooLong(bytes: Int)
        /// An EC key on another named curve, or with explicit parameters (`curve` says which).
        case otherCurve(String)
        /// A key of another algorithm; `algorithm` is OpenSSL's name for it.
        case otherAlgorithm(String)
    }

    /// The unencrypted PKCS#8 PEM text of the key with scalar `privateKey`.
    static func privateKeyPEM(privateKey: [UInt8]) -> [UInt8] {
        let publicPoint = publicKey(privateKey: privateKey)
        let scalar = BigNumber(privateKey, secret: true)
        guard let builder = OSSL_PARAM_BLD_new() else { fatalError("OSSL_PARAM_BLD_new failed: out of memory") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps the pointers it is given until OSSL_PARAM_BLD_to_param copies what
        // they point at, so the string, the BIGNUM and the point buffer must outlive that call;
        // the parameter names are never copied, so they must live as long as the parameters.
        let params: UnsafeMutablePointer<OSSL_PARAM> = withExtendedLifetime(scalar) {
            "secp256k1".withCString { group in
                publicPoint.withUnsafeBytes { point in
                    check(OSSL_PARAM_BLD_push_utf8_string(builder, ParameterName.group, group, 0), "OSSL_PARAM_BLD_push_utf8_string")
                    check(OSSL_PARAM_BLD_push_BN(builder, ParameterName.privateKey, scalar.pointer), "OSSL_PARAM_BLD_push_BN")
                    check(OSSL_PARAM_BLD_push_octet_string(builder, ParameterName.publicKey, point.baseAddress, point.count),
                          "OSSL_PARAM_BLD_push_octet_string")
                    guard let params = OSSL_PARAM_BLD_to_param(builder) else {
                        fatalError("OSSL_PARAM_BLD_to_param failed: \(Ed25519Backend.lastError())")
                    }
                    return params
                }
            }
        }
        // OSSL_PARAM_free clears the secure-heap block that holds the secret parameter.
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { fatalError("EVP_PKEY_CTX_new_from_name(EC) failed") }
        defer { EVP_PKEY_CTX_free(ctx) }
        check(EVP_PKEY_fromdata_init(ctx), "EVP_PKEY_fromdata_init")
        var key: OpaquePointer?
        check(EVP_PKEY_fromdata(ctx, &key, keypairSelection, params), "EVP_PKEY_fromdata")
        guard let key else { fatalError("EVP_PKEY_fromdata returned no key") }
        return Ed25519Backend.privateKeyPEM(EVPKey(key))
    }

    /// Reads the first private key PEM block ("PRIVATE KEY", or SEC 1 "EC PRIVATE KEY");
    /// nil when OpenSSL cannot decode it (OpenSSL's decoder refuses, among others, a public
    /// point that is not on the curve).
    static func decodePrivateKeyPEM(_ text: [UInt8]) -> DecodedKey? {
        guard let key = Ed25519Backend.readPrivateKeyPEM(text) else { return nil }
        guard EVP_PKEY_get_base_id(key.pointer) == EVP_PKEY_EC else {
            let name = EVP_PKEY_get0_type_name(key.pointer).map { String(cString: $0) } ?? "unknown"
            return .otherAlgorithm(name)
        }
        var nameBuffer = [CChar](repeating: 0, count: 64)
        var nameLength = 0
        guard EVP_PKEY_get_group_name(key.pointer, &nameBuffer, nameBuffer.count, &nameLength) == 1 else {
            ERR_clear_error()
            return .otherCurve("explicit parameters")
        }
        let curveName = String(decoding: nameBuffer.prefix(nameLength).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard curveName == "secp256k1" else { return .otherCurve(curveName) }
        var scalar: OpaquePointer?
        check(EVP_PKEY_get_bn_param(key.pointer, "priv", &scalar), "EVP_PKEY_get_bn_param(priv)")
        guard let scalar else { fatalError("EVP_PKEY_get_bn_param(priv) returned no value") }
        defer { BN_clear_free(scalar) }
        let length = (Int(BN_num_bits(scalar)) + 7) / 8
        guard length <= 32 else { return .scalarTooLong(bytes: length) }
        var scalarBytes = [UInt8](repeating: 0, count: 32)
        _ = BN_bn2binpad(scalar, &scalarBytes, 32)
        return .secp256k1(scalar: scalarBytes, publicKey: uncompressedPublicKey(key))
    }

    /// The key's public point re-encoded uncompressed, or nil when OpenSSL holds none (or only
    /// the point at infinity).
    private static func uncompressedPublicKey(_ key: EVPKey) -> [UInt8]? {
        var raw = [UInt8](repeating: 0, count: 133)
        var length = 0
        guard EVP_PKEY_get_octet_string_param(key.pointer, "pub", &raw, raw.count, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return withContext { ctx in
            let point = Point()
            let decoded = withExtendedLifetime(point) {
                EC_POINT_oct2point(curve.group, point.pointer, raw, length, ctx) == 1
                    && EC_POINT_is_at_infinity(curve.group, point.pointer) == 0
            }
            guard decoded else {
                ERR_clear_error()
                return nil
            }
            return encode(point, ctx)
        }
    }

    /// OpenSSL's names of the EC key parameters (OSSL_PKEY_PARAM_GROUP_NAME, _PRIV_KEY, _PUB_KEY),
    /// as C strings that live as long as the process: an OSSL_PARAM refers to its name, never copies it.
    private enum ParameterName {
        nonisolated(unsafe) static let group = UnsafePointer(strdup("group")!)
        nonisolated(unsafe) static let privateKey = UnsafePointer(strdup("priv")!)
        nonisolated(unsafe) static let publicKey = UnsafePointer(strdup("pub")!)
    }

    /// EVP_PKEY_KEYPAIR (a macro Swift does not import): the private and public key and every
    /// parameter (OSSL_KEYMGMT_SELECT_PRIVATE_KEY 0x01 | PUBLIC_KEY 0x02 | ALL_PARAMETERS 0x84).
    private static let keypairSelection: Int32 = 0x87
}
