internal import JSONWriter

/// A DSSE envelope (secure-systems-lab/dsse, protocol v1.0.0): a payload, its type, and
/// signatures over the pre-authentication encoding (PAE) of both.
///
/// JSON form, keys in this (sorted) order, no whitespace:
/// `{"payload":"<base64>","payloadType":"<type>","signatures":[{"keyid":"<id>","sig":"<base64>"}]}`.
/// Base64 is the standard alphabet with padding when written; parsing accepts either alphabet.
public struct DSSEEnvelope: Sendable, Equatable {
    /// One signature and its unauthenticated key-id hint.
    public struct Signature: Sendable, Equatable {
        /// The signer's key id (hex SHA-256 of its raw public key), or nil when absent.
        /// DSSE leaves it unauthenticated: it only selects which trusted key to try.
        public let keyID: String?
        /// The raw signature bytes (64 for Ed25519).
        public let bytes: [UInt8]

        /// An empty `keyID` is stored as nil: DSSE lets empty fields be omitted, so both mean "no hint".
        public init(keyID: String?, bytes: [UInt8]) {
            self.keyID = keyID?.isEmpty == true ? nil : keyID
            self.bytes = bytes
        }
    }

    /// The media type or URI saying how to read `payload`, e.g. `application/vnd.in-toto+json`.
    public let payloadType: String
    /// The exact signed bytes.
    public let payload: [UInt8]
    public let signatures: [Signature]

    public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where SP is one
    /// 0x20 byte, type is the UTF-8 of `payloadType`, and LEN is the byte length in ASCII
    /// decimal without leading zeros.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out = Array("DSSEv1 \(type.count) ".utf8)
        out.reserveCapacity(out.count + type.count + 22 + payload.count)
        out += type
        out += Array(" \(payload.count) ".utf8)
        out += payload
        return out
    }

    /// Signs `payload` with each key, in order; each signature carries its key's id.
    /// Requires at least one key.
    public static func sign(payload: [UInt8], payloadType: String, keys: [SigningKey]) -> DSSEEnvelope {
        precondition(!keys.isEmpty, "a DSSE envelope needs at least one signature")
        let message = pae(payloadType: payloadType, payload: payload)
        let signatures = keys.map { Signature(keyID: $0.keyID, bytes: $0.signature(for: message)) }
        return DSSEEnvelope(payloadType: payloadType, payload: payload, signatures: signatures)
    }

    /// Signs `payload` with one key.
    public static func sign(payload: [UInt8], payloadType: String, key: SigningKey) -> DSSEEnvelope {
        sign(payload: payload, payloadType: payloadType, keys: [key])
    }

    /// The envelope as compact JSON with sorted keys; identical envelopes give identical bytes.
    /// A signature without a key id is written without a "keyid" member.
    public func jsonBytes() -> [UInt8] {
        let signatureList = signatures.map { signature in
            let keyID = signature.keyID.map { "\"keyid\":" + JSONText.quote($0) + "," } ?? ""
            return "{" + keyID + "\"sig\":\"" + Base64.encode(signature.bytes) + "\"}"
        }
        let text = "{\"payload\":\"" + Base64.encode(payload) + "\",\"payloadType\":" + JSONText.quote(payloadType)
            + ",\"signatures\":[" + signatureList.joined(separator: ",") + "]}"
        return Array(text.utf8)
    }
}
