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
        case .invalidJSON: "envelope is not valid JSON"
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
    /// Parses the JSON envelope. "payload" and each "sig" may use the standard or URL-safe
    /// base64 alphabet; "keyid" may be absent (an empty "keyid" counts as absent); unknown
    /// members are ignored. An envelope with no signatures is malformed.
    public init(json: [UInt8], limits: DSSELimits = DSSELimits()) throws(DSSEError) {
        guard json.count <= limits.maxEnvelopeBytes else {
            throw .tooLarge(bytes: json.count, limit: limits.maxEnvelopeBytes)
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw .invalidJSON
        }
        guard let object = parsed as? [String: Any] else { throw .notAnObject }
        let payloadText: String = try Self.field("payload", in: object, want: "a string")
        let payloadType: String = try Self.field("payloadType", in: object, want: "a string")
        let list: [Any] = try Self.field("signatures", in: object, want: "an array")
        guard !list.isEmpty else { throw .noSignatures }
        guard list.count <= limits.maxSignatures else {
            throw .tooManySignatures(count: list.count, limit: limits.maxSignatures)
        }
        guard let payload = Base64.decode(payloadText) else { throw .invalidBase64(field: "payload") }
        var signatures: [Signature] = []
        for (i, entry) in list.enumerated() {
            guard let entry = entry as? [String: Any] else {
                throw .wrongFieldType(field: "signatures[\(i)]", want: "an object")
            }
            let sigText: String = try Self.field("sig", in: entry, want: "a string", path: "signatures[\(i)].")
            guard let bytes = Base64.decode(sigText) else { throw .invalidBase64(field: "signatures[\(i)].sig") }
            var keyID: String? = nil
            if entry["keyid"] != nil {
                keyID = try Self.field("keyid", in: entry, want: "a string", path: "signatures[\(i)].") as String
            }
            signatures.append(Signature(keyID: keyID, bytes: bytes))
        }
        self.init(payloadType: payloadType, payload: payload, signatures: signatures)
    }

    private static func field<T>(_ name: String, in object: [String: Any], want: String, path: String = "") throws(DSSEError) -> T {
        guard let value = object[name] else { throw .missingField(path + name) }
        guard let typed = value as? T else { throw .wrongFieldType(field: path + name, want: want) }
        return typed
    }
}
