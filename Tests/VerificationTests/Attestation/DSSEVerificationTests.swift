import Testing
import Verification

/// Mutations of a valid envelope that verification must catch.
struct DSSEVerificationTests {
    static let type = InTotoStatement.payloadType
    let key = SigningKey.generate()
    let payload = Array(#"{"claim":"the miner trained honestly"}"#.utf8)

    var envelope: DSSEEnvelope { DSSEEnvelope.sign(payload: payload, payloadType: Self.type, key: key) }

    @Test func detectsEveryOneBitChangeToThePayload() {
        for bit in stride(from: 0, to: payload.count * 8, by: 3) {
            var tampered = payload
            tampered[bit / 8] ^= 1 << UInt8(bit % 8)
            let forged = DSSEEnvelope(payloadType: Self.type, payload: tampered, signatures: envelope.signatures)
            #expect(forged.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type) == .badSignature(keyIDs: [key.keyID]))
        }
    }

    @Test func findsNoTrustedSignatureUnderAnotherKey() {
        let other = SigningKey.generate().publicKey
        #expect(envelope.verify(trustedKeys: [other], expectedPayloadType: Self.type) == .noTrustedSignature(keyIDs: [key.keyID]))
        #expect(envelope.verify(trustedKeys: [], expectedPayloadType: Self.type) == .noTrustedSignature(keyIDs: [key.keyID]))
    }

    @Test func findsNoTrustedSignatureForAnonymousSignatureUnderAnotherKey() {
        let other = SigningKey.generate().publicKey
        let anonymous = DSSEEnvelope(payloadType: Self.type, payload: payload,
                                     signatures: [.init(keyID: nil, bytes: envelope.signatures[0].bytes)])
        #expect(anonymous.verify(trustedKeys: [other], expectedPayloadType: Self.type) == .noTrustedSignature(keyIDs: []))
        #expect(anonymous.verify(trustedKeys: [other, key.publicKey], expectedPayloadType: Self.type) == .valid(keyID: key.keyID, payload: payload))
    }

    /// securesystemslib signs with its own key id by default; other tools with none or their own.
    @Test func acceptsTrustedSignatureWhateverItsKeyID() {
        let other = SigningKey.generate().publicKey
        for hint in [nil, key.publicKey.securesystemslibKeyID, "sslib-or-other-tool", other.keyID] {
            let relabelled = DSSEEnvelope(payloadType: Self.type, payload: payload,
                                          signatures: [.init(keyID: hint, bytes: envelope.signatures[0].bytes)])
            #expect(relabelled.verify(trustedKeys: [other, key.publicKey], expectedPayloadType: Self.type)
                == .valid(keyID: key.keyID, payload: payload), "keyid \(hint ?? "absent")")
        }
    }

    /// The securesystemslib key id of RFC 8032 TEST 1, as `SSlibKey.from_crypto` computes it
    /// (securesystemslib 1.6.0); docs/protocol-parts/attestations.md quotes it.
    @Test func computesSecuresystemslibKeyIDOfTheDocumentedKey() throws {
        let test1 = try PublicKey(base64URL: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        #expect(test1.securesystemslibKeyID == "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916")
        #expect(test1.hintKeyIDs == [test1.keyID, test1.securesystemslibKeyID])
    }

    @Test func rejectsKeyIDThatLiesAboutTheSigner() {
        // The keyid is an unauthenticated hint: naming a trusted key does not make the signature its.
        let trusted = SigningKey.generate()
        let lying = DSSEEnvelope(payloadType: Self.type, payload: payload,
                                 signatures: [.init(keyID: trusted.keyID, bytes: envelope.signatures[0].bytes)])
        #expect(lying.verify(trustedKeys: [trusted.publicKey], expectedPayloadType: Self.type) == .badSignature(keyIDs: [trusted.keyID]))
    }

    @Test func rejectsSignatureSwappedInFromAnotherEnvelope() {
        let otherEnvelope = DSSEEnvelope.sign(payload: Array("another claim".utf8), payloadType: Self.type, key: key)
        let swapped = DSSEEnvelope(payloadType: Self.type, payload: payload, signatures: otherEnvelope.signatures)
        #expect(swapped.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type) == .badSignature(keyIDs: [key.keyID]))
    }

    @Test func reportsGenuineSignatureOverAnotherPayloadType() {
        let other = DSSEEnvelope.sign(payload: payload, payloadType: "application/json", key: key)
        #expect(other.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type)
            == .wrongPayloadType(got: "application/json", want: Self.type))
    }

    @Test func rejectsPayloadTypeChangedAfterSigning() {
        let relabelled = DSSEEnvelope(payloadType: "application/json", payload: payload, signatures: envelope.signatures)
        #expect(relabelled.verify(trustedKeys: [key.publicKey], expectedPayloadType: "application/json") == .badSignature(keyIDs: [key.keyID]))
    }

    @Test func rejectsTruncatedAndExtendedSignatures() {
        let signature = envelope.signatures[0]
        for bytes in [Array(signature.bytes.dropLast()), Array(signature.bytes.prefix(32)), [], signature.bytes + [0]] {
            let forged = DSSEEnvelope(payloadType: Self.type, payload: payload, signatures: [.init(keyID: key.keyID, bytes: bytes)])
            #expect(forged.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type) == .badSignature(keyIDs: [key.keyID]))
        }
    }

    @Test func rejectsSignatureOverPayloadWithoutPAE() {
        let raw = DSSEEnvelope(payloadType: Self.type, payload: payload,
                               signatures: [.init(keyID: key.keyID, bytes: key.signature(for: payload))])
        #expect(raw.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type) == .badSignature(keyIDs: [key.keyID]))
    }

    @Test func acceptsOneTrustedSignatureAmongUnknownAndBadOnes() {
        let stranger = SigningKey.generate()
        let good = envelope.signatures[0]
        let bad = DSSEEnvelope.Signature(keyID: key.keyID, bytes: [UInt8](repeating: 0, count: 64))
        let foreign = DSSEEnvelope.sign(payload: payload, payloadType: Self.type, key: stranger).signatures[0]
        let mixed = DSSEEnvelope(payloadType: Self.type, payload: payload, signatures: [foreign, bad, good])
        #expect(mixed.verify(trustedKeys: [key.publicKey], expectedPayloadType: Self.type) == .valid(keyID: key.keyID, payload: payload))
    }
}
