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
        let root: JSONCursor
        do { root = try JSONCursor.parse(json) } catch { throw .invalidJSON }
        guard root.isObject else { throw .notAnObject }
        let payloadText = try Self.string(Self.field("payload", in: root))
        let payloadType = try Self.string(Self.field("payloadType", in: root))
        let list = try Self.field("signatures", in: root)
        let count: Int
        do { count = try list.count() } catch { throw .wrongFieldType(field: list.path, want: "an array") }
        guard count > 0 else { throw .noSignatures }
        let entries: [JSONCursor]
        do { entries = try list.array(maxCount: limits.maxSignatures) } catch {
            throw .tooManySignatures(count: count, limit: limits.maxSignatures)
        }
        guard let payload = Base64.decode(payloadText) else { throw .invalidBase64(field: "payload") }
        var signatures: [Signature] = []
        for entry in entries {
            guard entry.isObject else { throw .wrongFieldType(field: entry.path, want: "an object") }
            let sig = try Self.field("sig", in: entry)
            guard let bytes = Base64.decode(try Self.string(sig)) else { throw .invalidBase64(field: sig.path) }
            var keyID: String? = nil
            if let value = Self.optionalField("keyid", in: entry) { keyID = try Self.string(value) }
            signatures.append(Signature(keyID: keyID, bytes: bytes))
        }
        self.init(payloadType: payloadType, payload: payload, signatures: signatures)
    }

    /// The member `name` of `object` (an object), null included: callers refuse null as the
    /// wrong type.
    private static func field(_ name: String, in object: JSONCursor) throws(DSSEError) -> JSONCursor {
        guard let value = optionalField(name, in: object) else { throw .missingField(object.path(ofMember: name)) }
        return value
    }

    /// The member `name` of `object` (an object, so the lookup cannot fail), null included, or
    /// nil when absent.
    private static func optionalField(_ name: String, in object: JSONCursor) -> JSONCursor? {
        (try? object.optionalMember(name, keepingNull: true)) ?? nil
    }

    /// The string `value`, else the error naming its field.
    private static func string(_ value: JSONCursor) throws(DSSEError) -> String {
        do { return try value.string(maxBytes: .max) } catch { throw .wrongFieldType(field: value.path, want: "a string") }
    }
}
