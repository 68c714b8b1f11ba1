/// The outcome of checking a well-formed DSSE envelope against a set of trusted keys.
///
/// Policy (DSSE multi-signature verification with threshold 1):
/// - A signature whose "keyid" names a trusted key is checked against that key only.
/// - A signature without a "keyid" is checked against every trusted key.
/// - A signature whose "keyid" names no trusted key is ignored: other verifiers may co-sign.
/// - The envelope is valid when at least one signature checks against a trusted key;
///   invalid or ignored signatures beside it do not spoil it. `keyID` names the first such key.
/// - Signatures are checked over PAE(payloadType, payload) before the type is compared,
///   so `wrongPayloadType` means a genuine signature over a payload of another type.
public enum DSSEVerification: Sendable, Equatable {
    /// A trusted key signed this payload with the expected payload type.
    case valid(keyID: String, payload: [UInt8])
    /// A trusted key signed it, but as `got`, not the expected `want`.
    case wrongPayloadType(got: String, want: String)
    /// Signatures were checked against trusted keys and none held; `keyIDs` are the keys tried.
    case badSignature(keyIDs: [String])
    /// No signature named a trusted key (and none was anonymous); `keyIDs` are the ids present.
    case noTrustedSignature(keyIDs: [String])

    /// True only for `.valid`.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}

extension DSSEEnvelope {
    /// Checks the signatures against `trustedKeys` and the payload type against `expectedPayloadType`.
    /// See `DSSEVerification` for the policy.
    public func verify(trustedKeys: [PublicKey], expectedPayloadType: String) -> DSSEVerification {
        let message = Self.pae(payloadType: payloadType, payload: payload)
        var tried: [String] = []
        for signature in signatures {
            let candidates = signature.keyID.map { id in trustedKeys.filter { $0.keyID == id } } ?? trustedKeys
            for key in candidates {
                if key.isValidSignature(signature.bytes, for: message) {
                    guard payloadType == expectedPayloadType else {
                        return .wrongPayloadType(got: payloadType, want: expectedPayloadType)
                    }
                    return .valid(keyID: key.keyID, payload: payload)
                }
                if !tried.contains(key.keyID) { tried.append(key.keyID) }
            }
        }
        if tried.isEmpty { return .noTrustedSignature(keyIDs: signatures.compactMap(\.keyID)) }
        return .badSignature(keyIDs: tried)
    }
}
