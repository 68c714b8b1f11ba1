import Testing
import Verification

/// RFC 8032 section 7.1 test vectors (Ed25519), TEST 1 to TEST 3: secret key (seed),
/// public key, message, signature, all hex. Copied from the RFC; the same values appear in
/// pyca/cryptography's Ed25519 vector loader test and in ed25519.cr.yp.to's sign.input.
struct RFC8032Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let secretKey: String
    let publicKey: String
    let message: String
    let signature: String

    var testDescription: String { name }

    static let all = [
        RFC8032Vector(
            name: "TEST 1",
            secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        RFC8032Vector(
            name: "TEST 2",
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        RFC8032Vector(
            name: "TEST 3",
            secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    func signingKey() throws -> SigningKey { try SigningKey(seed: Hex.decode(secretKey)!) }
}

struct Ed25519Tests {
    @Test(arguments: RFC8032Vector.all)
    func derivesPublicKeyAndReproducesSignatureOfRFC8032Vector(_ vector: RFC8032Vector) throws {
        let key = try vector.signingKey()
        #expect(Hex.encode(key.publicKey.rawBytes) == vector.publicKey)
        #expect(Hex.encode(key.signature(for: Hex.decode(vector.message)!)) == vector.signature)
    }

    @Test(arguments: RFC8032Vector.all)
    func acceptsRFC8032SignatureAndRejectsEveryFlippedBitOfIt(_ vector: RFC8032Vector) throws {
        let publicKey = try PublicKey(rawBytes: Hex.decode(vector.publicKey)!)
        let message = Hex.decode(vector.message)!
        let signature = Hex.decode(vector.signature)!
        #expect(publicKey.isValidSignature(signature, for: message))
        for bit in 0..<(signature.count * 8) {
            var forged = signature
            forged[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!publicKey.isValidSignature(forged, for: message), "bit \(bit)")
        }
        #expect(!publicKey.isValidSignature(signature, for: message + [0]))
        #expect(!publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!publicKey.isValidSignature(signature + [0], for: message))
    }

    @Test func keyIDIsHexSHA256OfRawPublicKey() throws {
        // sha256(d75a98...511a), computed with Python's hashlib.
        let key = try RFC8032Vector.all[0].signingKey()
        #expect(key.keyID == "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9")
        #expect(key.publicKey.keyID == key.keyID)
    }

    @Test func importsPublicKeyFromBase64URL() throws {
        // RFC 8037 appendix A.1: the "x" member of TEST 1's public key as a JWK.
        let key = try PublicKey(base64URL: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        #expect(Hex.encode(key.rawBytes) == RFC8032Vector.all[0].publicKey)
        #expect(key.base64URL == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        #expect(try PublicKey(base64URL: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=") == key)
    }

    @Test func refusesPublicKeyOfWrongLengthOrEncoding() {
        #expect(throws: KeyError.wrongPublicKeyLength(got: 31, want: 32)) { try PublicKey(rawBytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: KeyError.wrongPublicKeyLength(got: 33, want: 32)) { try PublicKey(rawBytes: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: KeyError.invalidBase64("11qY AYKx")) { try PublicKey(base64URL: "11qY AYKx") }
        #expect(throws: KeyError.wrongPublicKeyLength(got: 3, want: 32)) { try PublicKey(base64URL: "AAAA") }
    }

    @Test func refusesSeedOfWrongLength() {
        #expect(throws: KeyError.wrongSeedLength(got: 31, want: 32)) { try SigningKey(seed: [UInt8](repeating: 7, count: 31)) }
        #expect(throws: KeyError.wrongSeedLength(got: 33, want: 32)) { try SigningKey(seed: [UInt8](repeating: 7, count: 33)) }
    }

    @Test func generatedKeysAreDistinctAndSignVerifiably() {
        let a = SigningKey.generate()
        let b = SigningKey.generate()
        #expect(a.publicKey != b.publicKey)
        let message = Array("attest".utf8)
        #expect(a.publicKey.isValidSignature(a.signature(for: message), for: message))
        #expect(!b.publicKey.isValidSignature(a.signature(for: message), for: message))
    }

    @Test func signsConcurrentlyWithOneKeyGivingTheSameSignatures() async throws {
        let key = try RFC8032Vector.all[2].signingKey()
        let message = Hex.decode(RFC8032Vector.all[2].message)!
        let signatures = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<64 { group.addTask { key.signature(for: message) } }
            return await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(signatures == [Hex.decode(RFC8032Vector.all[2].signature)!])
    }
}
