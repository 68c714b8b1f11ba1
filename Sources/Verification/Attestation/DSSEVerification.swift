/// The outcome of checking a well-formed DSSE envelope against a set of trusted keys.
///
/// Policy (DSSE multi-signature verification with threshold 1). A "keyid" is an unauthenticated
/// hint: it only chooses which key is tried first.
/// - Each signature is checked against the trusted key its "keyid" names (our key id or
///   securesystemslib's, `PublicKey.hintKeyIDs`) first, then against every other trusted key,
///   so a missing or foreign "keyid" is fine. The work is at most one Ed25519 check per
///   signature and trusted key (16 signatures by `DSSELimits`).
/// - The envelope is valid when at least one signature checks against a trusted key;
///   invalid signatures beside it do not spoil it. `keyID` names the key it held under.
/// - Signatures are checked over PAE(payloadType, payload) before the type is compared,
///   so `wrongPayloadType` means a genuine signature over a payload of another type.
public enum DSSEVerification: Sendable, Equatable {
    /// A trusted key signed this payload with the expected payload type.
    case valid(keyID: String, payload: [UInt8])
    /// A trusted key signed it, but as `got`, not the expected `want`.
    case wrongPayloadType(got: String, want: String)
    /// Some signature's "keyid" named a trusted key, and no signature holds under any trusted
    /// key; `keyIDs` are the trusted keys' ids.
    case badSignature(keyIDs: [String])
    /// No signature holds under a trusted key and none names one: most likely signed by another
    /// key. `keyIDs` are the "keyid" hints present.
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
        var named = false
        for signature in signatures {
            let hinted = signature.keyID.flatMap { hint in trustedKeys.firstIndex { $0.hintKeyIDs.contains(hint) } }
            named = named || hinted != nil
            let order = hinted.map { first in [first] + trustedKeys.indices.filter { $0 != first } } ?? Array(trustedKeys.indices)
            for i in order where trustedKeys[i].isValidSignature(signature.bytes, for: message) {
                guard payloadType == expectedPayloadType else {
                    return .wrongPayloadType(got: payloadType, want: expectedPayloadType)
                }
                return .valid(keyID: trustedKeys[i].keyID, payload: payload)
            }
        }
        return named ? .badSignature(keyIDs: trustedKeys.map(\.keyID)) : .noTrustedSignature(keyIDs: signatures.compactMap(\.keyID))
    }
}
