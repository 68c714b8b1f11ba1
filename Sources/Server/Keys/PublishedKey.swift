internal import Verification

/// One signing key as `GET /v1/keys` publishes it, in the forms common libraries load as is.
///
/// `publicKey` is the raw key in base64url (PyNaCl, libsodium), `pem` SubjectPublicKeyInfo
/// (OpenSSL, pyca/cryptography), `jwk` an RFC 8037 JSON Web Key (PyJWT, jwcrypto, jose), and
/// `securesystemslib` the key dictionary securesystemslib reads with
/// `SSlibKey.from_dict(keyId, securesystemslib)`, under the key id the service's signatures carry.
struct PublishedKey: Encodable {
    /// An RFC 8037 OKP key; `kid` is the key id.
    struct JWK: Encodable {
        let kty = "OKP"
        let crv = "Ed25519"
        let x: String
        let kid: String
        let alg = "EdDSA"
        let use = "sig"
    }

    /// securesystemslib's Ed25519 key form; `keyval.public` is the raw key in lower-case hex.
    struct SecuresystemslibKey: Encodable {
        let keytype = "ed25519"
        let scheme = "ed25519"
        let keyval: [String: String]
    }

    let keyID: String
    let algorithm = "ed25519"
    let publicKey: String
    let pem: String
    let jwk: JWK
    let securesystemslib: SecuresystemslibKey

    enum CodingKeys: String, CodingKey {
        case keyID = "keyId", algorithm, publicKey, pem, jwk, securesystemslib
    }

    init(_ key: PublicKey) {
        keyID = key.keyID
        publicKey = key.base64URL
        pem = key.pem
        jwk = JWK(x: key.base64URL, kid: key.keyID)
        securesystemslib = SecuresystemslibKey(keyval: ["public": Hex.encode(key.rawBytes)])
    }
}
