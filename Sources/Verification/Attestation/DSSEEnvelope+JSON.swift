internal import Foundation

/// Bounds on the envelopes `DSSEEnvelope(json:limits:)` accepts.
public struct DSSELimits: Sendable, Hashable {
    /// Maximum size in bytes of the envelope JSON. Default 4,194,304 (4 MiB).
    public var maxEnvelopeBytes: Int
    /// Maximum number of entries in "signatures". Default 16.
    public var maxSignatures: Int

    public init(maxEnvelopeBytes: Int = 4_194_304, maxSignatures: Int = 16) {
        self.maxEnvelopeBytes = maxEnvelopeBytes
        self.maxSignatures = maxSignatures
    }
}

/// Why bytes are not a well-formed DSSE envelope. A well-formed envelope whose
/// signatures do not check is not an error: see `DSSEVerification`.
public enum DSSEError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case invalidJSON
    case notAnObject
    case missingField(String)
    case wrongFieldType(field: String, want: String)
    case invalidBase64(field: String)
    case noSignatures
    case tooManySignatures(count: Int, limit: Int)

    public var description: String {
        switch self {
        case let .tooLarge(bytes, limit): "envelope has \(bytes) bytes, limit \(limit)"
        case .invalidJSON: "envelope is not strict JSON (RFC 8259, valid UTF-8, no repeated keys)"
        case .notAnObject: "envelope is not a JSON object"
        case let .missingField(field): "envelope lacks \"\(field)\""
        case let .wrongFieldType(field, want): "envelope field \"\(field)\" is not \(want)"
        case let .invalidBase64(field): "envelope field \"\(field)\" is not base64"
        case .noSignatures: "envelope has no signatures"
        case let .tooManySignatures(count, limit): "envelope has \(count) signatures, limit \(limit)"
        }
    }
}

extension DSSEEnvelope {
    /// Parses the JSON envelope with the strict parser (valid UTF-8, no repeated keys: an
    /// envelope with two "payload" members means different things to different readers).
    /// "payload" and each "sig" may use the standard or URL-safe base64 alphabet; "keyid" may
    /// be absent (an empty "keyid" counts as absent); unknown members are ignored. An envelope
    /// with no signatures is malformed.
    public init(json: [UInt8], limits: DSSELimits = DSSELimits()) throws(DSSEError) {
        guard json.count <= limits.maxEnvelopeBytes else {
            throw .tooLarge(bytes: json.count, limit: limits.maxEnvelopeBytes)
        }
        let root: JSONNode
        do {
            root = try StrictJSONParser().parse(json).root
        } catch {
            throw .invalidJSON
        }
        guard root.kind == .object else { throw .notAnObject }
        guard let payloadText = try Self.field("payload", in: root).string else {
            throw .wrongFieldType(field: "payload", want: "a string")
        }
        guard let payloadType = try Self.field("payloadType", in: root).string else {
            throw .wrongFieldType(field: "payloadType", want: "a string")
        }
        let list = try Self.field("signatures", in: root)
        guard list.kind == .array else { throw .wrongFieldType(field: "signatures", want: "an array") }
        let count = list.count
        guard count > 0 else { throw .noSignatures }
        guard count <= limits.maxSignatures else {
            throw .tooManySignatures(count: count, limit: limits.maxSignatures)
        }
        guard let payload = Base64.decode(payloadText) else { throw .invalidBase64(field: "payload") }
        var signatures: [Signature] = []
        for (i, entry) in list.elements.enumerated() {
            guard entry.kind == .object else { throw .wrongFieldType(field: "signatures[\(i)]", want: "an object") }
            let path = "signatures[\(i)]."
            guard let sigText = try Self.field("sig", in: entry, path: path).string else {
                throw .wrongFieldType(field: path + "sig", want: "a string")
            }
            guard let bytes = Base64.decode(sigText) else { throw .invalidBase64(field: path + "sig") }
            var keyID: String? = nil
            if let value = entry["keyid"] {
                guard let text = value.string else { throw .wrongFieldType(field: path + "keyid", want: "a string") }
                keyID = text
            }
            signatures.append(Signature(keyID: keyID, bytes: bytes))
        }
        self.init(payloadType: payloadType, payload: payload, signatures: signatures)
    }

    /// The member `name` of `object` (null included: callers refuse it as the wrong type).
    private static func field(_ name: String, in object: JSONNode, path: String = "") throws(DSSEError) -> JSONNode {
        guard let value = object[name] else { throw .missingField(path + name) }
        return value
    }
}
