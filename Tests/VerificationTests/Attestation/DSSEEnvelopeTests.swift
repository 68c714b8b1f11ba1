import Testing
import Verification

struct DSSEEnvelopeTests {
    static let helloType = "http://example.com/HelloWorld"
    static let hello = Array("hello world".utf8)

    @Test func paeMatchesSpecExample() {
        // secure-systems-lab/dsse protocol.md, "Test Vectors".
        let pae = DSSEEnvelope.pae(payloadType: Self.helloType, payload: Self.hello)
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    @Test func paeWritesLengthsInBytesWithoutLeadingZeros() {
        #expect(DSSEEnvelope.pae(payloadType: "", payload: []) == Array("DSSEv1 0  0 ".utf8))
        // "é" is two UTF-8 bytes; the body is binary and may contain spaces and NULs.
        #expect(DSSEEnvelope.pae(payloadType: "é", payload: [0x20, 0x00]) == Array("DSSEv1 2 é 2 ".utf8) + [0x20, 0x00])
        let long = [UInt8](repeating: 0x61, count: 1000)
        #expect(DSSEEnvelope.pae(payloadType: "t", payload: long).prefix(14) == ArraySlice("DSSEv1 1 t 1000".utf8.prefix(14)))
    }

    @Test func parsesSpecExampleEnvelope() throws {
        // protocol.md's example result (its ECDSA signature is not checked here, only parsed).
        let json = #"{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#
        let envelope = try DSSEEnvelope(json: Array(json.utf8))
        #expect(envelope.payload == Self.hello)
        #expect(envelope.payloadType == Self.helloType)
        #expect(envelope.signatures.count == 1)
        #expect(envelope.signatures[0].keyID == nil)
        #expect(envelope.signatures[0].bytes.count == 64)
    }

    @Test func writesKnownEnvelopeBytes() throws {
        // Ed25519 is deterministic: this signature of the spec example's PAE under RFC 8032
        // TEST 1's key was computed independently with tools/dsse_verify.py sign.
        let key = try RFC8032Vector.all[0].signingKey()
        let envelope = DSSEEnvelope.sign(payload: Self.hello, payloadType: Self.helloType, key: key)
        let expected = #"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{"keyid":"21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9","sig":"4DHX3Zn4qpBKvEj7maE8O9u9bjXEnPLLnyXVUJ2PXJR8DSLcL3QDpFvfJOj3pB/SPHsl6Jg4boxsMb6KvuYABw=="}]}"#
        #expect(String(decoding: envelope.jsonBytes(), as: UTF8.self) == expected)
    }

    @Test func roundTripsThroughJSONAndVerifies() throws {
        let key = SigningKey.generate()
        let payload: [UInt8] = Array(0...255)
        let envelope = DSSEEnvelope.sign(payload: payload, payloadType: Self.helloType, key: key)
        let parsed = try DSSEEnvelope(json: envelope.jsonBytes())
        #expect(parsed == envelope)
        #expect(parsed.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.helloType)
            == .valid(keyID: key.keyID, payload: payload))
    }

    @Test func acceptsURLSafeBase64AndMissingKeyID() throws {
        let key = try RFC8032Vector.all[0].signingKey()
        let json = #"{"payload":"aGVsbG8gd29ybGQ","payloadType":"http://example.com/HelloWorld","signatures":[{"sig":"4DHX3Zn4qpBKvEj7maE8O9u9bjXEnPLLnyXVUJ2PXJR8DSLcL3QDpFvfJOj3pB_SPHsl6Jg4boxsMb6KvuYABw","extra":1}],"other":true}"#
        let envelope = try DSSEEnvelope(json: Array(json.utf8))
        #expect(envelope.verify(trustedKeys: [SigningKey.generate().publicKey, key.publicKey], expectedPayloadType: Self.helloType)
            == .valid(keyID: key.keyID, payload: Self.hello))
    }

    @Test func acceptsEnvelopeOfExactlyTheSizeLimitAndRefusesOneByteMore() throws {
        let json = DSSEEnvelope.sign(payload: Self.hello, payloadType: Self.helloType, key: SigningKey.generate()).jsonBytes()
        #expect(throws: Never.self) { try DSSEEnvelope(json: json, limits: DSSELimits(maxEnvelopeBytes: json.count)) }
        let padded = json + [0x20]
        #expect(throws: DSSEError.tooLarge(bytes: json.count + 1, limit: json.count)) {
            try DSSEEnvelope(json: padded, limits: DSSELimits(maxEnvelopeBytes: json.count))
        }
    }

    @Test func acceptsSixteenSignaturesAndRefusesSeventeen() throws {
        let keys = (0..<17).map { _ in SigningKey.generate() }
        let sixteen = DSSEEnvelope.sign(payload: Self.hello, payloadType: Self.helloType, keys: Array(keys.prefix(16)))
        let parsed = try DSSEEnvelope(json: sixteen.jsonBytes())
        #expect(parsed.verify(trustedKeys: [keys[15].publicKey], expectedPayloadType: Self.helloType).isValid)
        let seventeen = DSSEEnvelope.sign(payload: Self.hello, payloadType: Self.helloType, keys: keys)
        #expect(throws: DSSEError.tooManySignatures(count: 17, limit: 16)) { try DSSEEnvelope(json: seventeen.jsonBytes()) }
    }

    @Test(arguments: [
        ("not json", #"{"payload":"#, DSSEError.invalidJSON),
        ("array", #"[1,2]"#, .notAnObject),
        ("no payload", #"{"payloadType":"t","signatures":[{"sig":"AA=="}]}"#, .missingField("payload")),
        ("no payloadType", #"{"payload":"","signatures":[{"sig":"AA=="}]}"#, .missingField("payloadType")),
        ("no signatures", #"{"payload":"","payloadType":"t"}"#, .missingField("signatures")),
        ("numeric payload", #"{"payload":5,"payloadType":"t","signatures":[{"sig":"AA=="}]}"#, .wrongFieldType(field: "payload", want: "a string")),
        ("null payloadType", #"{"payload":"","payloadType":null,"signatures":[{"sig":"AA=="}]}"#, .wrongFieldType(field: "payloadType", want: "a string")),
        ("signatures object", #"{"payload":"","payloadType":"t","signatures":{"sig":"AA=="}}"#, .wrongFieldType(field: "signatures", want: "an array")),
        ("empty signatures", #"{"payload":"","payloadType":"t","signatures":[]}"#, .noSignatures),
        ("signature string", #"{"payload":"","payloadType":"t","signatures":["AA=="]}"#, .wrongFieldType(field: "signatures[0]", want: "an object")),
        ("no sig", #"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#, .missingField("signatures[0].sig")),
        ("numeric keyid", #"{"payload":"","payloadType":"t","signatures":[{"keyid":7,"sig":"AA=="}]}"#, .wrongFieldType(field: "signatures[0].keyid", want: "a string")),
        ("null keyid", #"{"payload":"","payloadType":"t","signatures":[{"keyid":null,"sig":"AA=="}]}"#, .wrongFieldType(field: "signatures[0].keyid", want: "a string")),
        ("null sig", #"{"payload":"","payloadType":"t","signatures":[{"sig":"AA=="},{"sig":null}]}"#, .wrongFieldType(field: "signatures[1].sig", want: "a string")),
        ("bad payload base64", #"{"payload":"aGVsbG8*","payloadType":"t","signatures":[{"sig":"AA=="}]}"#, .invalidBase64(field: "payload")),
        ("bad sig base64", #"{"payload":"","payloadType":"t","signatures":[{"sig":"AA=="},{"sig":"A"}]}"#, .invalidBase64(field: "signatures[1].sig")),
        ("repeated payload", #"{"payload":"","payloadType":"t","payload":"aGk=","signatures":[{"sig":"AA=="}]}"#, .invalidJSON),
        ("repeated keyid", #"{"payload":"","payloadType":"t","signatures":[{"keyid":"a","keyid":"b","sig":"AA=="}]}"#, .invalidJSON),
    ])
    func refusesMalformedEnvelope(_ name: String, _ json: String, _ error: DSSEError) {
        #expect(throws: error, "\(name)") { try DSSEEnvelope(json: Array(json.utf8)) }
    }
}

extension DSSEEnvelopeTests {
    @Test(arguments: ["a\"b", "back\\slash", "line\nfeed\r\t", "\u{01}\u{1F}\u{7F}", "é ü 漢字 🙂", "a/b", "\u{08}\u{0C}"])
    func roundTripsPayloadTypeAndKeyIDThatNeedEscaping(_ text: String) throws {
        let envelope = DSSEEnvelope(payloadType: text, payload: [1], signatures: [.init(keyID: text, bytes: [2])])
        #expect(try DSSEEnvelope(json: envelope.jsonBytes()) == envelope)
    }

    @Test func treatsEmptyKeyIDAsAnonymous() throws {
        let key = SigningKey.generate()
        let signed = DSSEEnvelope.sign(payload: Self.hello, payloadType: Self.helloType, key: key)
        let anonymous = DSSEEnvelope(payloadType: Self.helloType, payload: Self.hello,
                                     signatures: [.init(keyID: "", bytes: signed.signatures[0].bytes)])
        #expect(anonymous.signatures[0].keyID == nil)
        #expect(!String(decoding: anonymous.jsonBytes(), as: UTF8.self).contains("keyid"))
        let json = #"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{"keyid":"","sig":"\#(Base64.encode(signed.signatures[0].bytes))"}]}"#
        #expect(try DSSEEnvelope(json: Array(json.utf8)).verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.helloType).isValid)
    }
}
