import Foundation
import Testing
@testable import Server
import Verification

/// The forms `GET /v1/keys` publishes a key in, on RFC 8032 section 7.1 TEST 1.
struct PublishedKeyTests {
    static let test1 = try! PublicKey(base64URL: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")

    @Test func publishesRawPEMJWKAndSecuresystemslibFormsOfOneKey() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(PublishedKey(Self.test1))) as? [String: Any])
        let keyID = "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"
        #expect(json["keyId"] as? String == keyID && json["algorithm"] as? String == "ed25519")
        #expect(json["publicKey"] as? String == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        // SubjectPublicKeyInfo: the 12-byte Ed25519 prefix (RFC 8410) and the raw key.
        #expect(json["pem"] as? String
            == "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n")
        #expect(json["jwk"] as? [String: String] == ["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                                                    "kid": keyID, "alg": "EdDSA", "use": "sig"])
        let sslib = try #require(json["securesystemslib"] as? [String: Any])
        #expect(sslib["keytype"] as? String == "ed25519" && sslib["scheme"] as? String == "ed25519")
        #expect(sslib["keyval"] as? [String: String] == ["public": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"])
    }
}
