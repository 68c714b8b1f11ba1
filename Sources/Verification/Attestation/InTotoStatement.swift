internal import Foundation
internal import JSONWriter

/// An in-toto Statement v1 (in-toto/attestation spec v1): what was attested (subjects by
/// digest), the kind of claim (predicateType) and the claim itself (predicate, a JSON object).
///
/// Written as compact JSON with keys in sorted order, so identical inputs give identical bytes:
/// `{"_type":"https://in-toto.io/Statement/v1","predicate":{...},"predicateType":"...","subject":[{"digest":{"sha256":"<hex>"},"name":"..."}]}`.
/// The predicate's bytes are embedded as given (see `init(subjects:predicateType:predicateJSON:)`).
/// DSSE signs these exact bytes, so no canonicalization is needed for verification.
public struct InTotoStatement: Sendable, Equatable {
    /// The "_type" of every v1 statement.
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// The DSSE payloadType of a statement.
    public static let payloadType = "application/vnd.in-toto+json"

    /// One attested artifact, named and identified by its digests.
    public struct Subject: Sendable, Equatable {
        /// Identifies the artifact among the subjects; nil when absent.
        public let name: String?
        /// Algorithm name (e.g. "sha256") to lower-case hex digest.
        public let digest: [String: String]

        public init(name: String?, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }

        /// A subject identified by its SHA-256 digest.
        public init(name: String?, sha256: Digest) {
            self.init(name: name, digest: ["sha256": sha256.hex])
        }

        /// The "sha256" digest, if present and well-formed.
        public var sha256: Digest? { digest["sha256"].flatMap { Digest(hex: $0) } }
    }

    public let subjects: [Subject]
    /// A URI naming the predicate's schema, e.g. `PredicateType.pogoAttestation`.
    public let predicateType: String
    /// The predicate: the UTF-8 bytes of one JSON object.
    public let predicateJSON: [UInt8]

    /// Builds a statement from a predicate already encoded as a JSON object.
    /// The bytes are embedded verbatim, minus surrounding whitespace; pass them with sorted
    /// keys if byte-identical output for value-identical predicates matters.
    /// Requires: at least one subject; each with a non-empty digest map of lower-case hex
    /// values; a non-empty predicateType; a predicate that parses as a JSON object (strictly:
    /// valid UTF-8, no duplicate keys).
    public init(subjects: [Subject], predicateType: String, predicateJSON: [UInt8]) throws(StatementError) {
        try Self.validate(subjects: subjects, predicateType: predicateType)
        let trimmed = Self.trimmingWhitespace(predicateJSON)
        guard (try? StrictJSONParser().parse(trimmed))?.root.kind == .object else { throw .predicateNotAnObject }
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicateJSON = trimmed
    }

    /// Builds a statement from any `Encodable` predicate that encodes as a JSON object;
    /// it is encoded with sorted keys and unescaped slashes.
    public init<Predicate: Encodable>(subjects: [Subject], predicateType: String, predicate: Predicate) throws(StatementError) {
        let bytes: [UInt8]
        do {
            bytes = try JSONText.encode(predicate)
        } catch {
            throw .predicateEncodingFailed(String(describing: error))
        }
        try self.init(subjects: subjects, predicateType: predicateType, predicateJSON: bytes)
    }

    /// The statement's JSON bytes: the DSSE payload to sign.
    public func jsonBytes() -> [UInt8] {
        let subjectList = subjects.map { subject in
            let digests = subject.digest.keys.sorted().map { JSONText.quote($0) + ":" + JSONText.quote(subject.digest[$0]!) }
            let name = subject.name.map { ",\"name\":" + JSONText.quote($0) } ?? ""
            return "{\"digest\":{" + digests.joined(separator: ",") + "}" + name + "}"
        }
        var out = Array(("{\"_type\":" + JSONText.quote(Self.statementType) + ",\"predicate\":").utf8)
        out += predicateJSON
        out += Array((",\"predicateType\":" + JSONText.quote(predicateType)
            + ",\"subject\":[" + subjectList.joined(separator: ",") + "]}").utf8)
        return out
    }

    /// Decodes the predicate into `type` (Foundation's decoder maps the members; a parsed
    /// statement's predicate was already accepted by the strict parser).
    public func predicate<Predicate: Decodable>(as type: Predicate.Type) throws(StatementError) -> Predicate {
        do {
            return try JSONDecoder().decode(type, from: Data(predicateJSON))
        } catch {
            throw .predicateDecodingFailed(String(describing: error))
        }
    }

    static func validate(subjects: [Subject], predicateType: String) throws(StatementError) {
        guard !subjects.isEmpty else { throw .noSubjects }
        for (i, subject) in subjects.enumerated() {
            guard !subject.digest.isEmpty else { throw .emptyDigest(subject: i) }
            for (algorithm, value) in subject.digest {
                let lowerHex = !value.isEmpty && value.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
                guard lowerHex, value.utf8.count % 2 == 0 else {
                    throw .invalidDigestValue(subject: i, algorithm: algorithm, value: value)
                }
            }
        }
        guard !predicateType.isEmpty else { throw .emptyPredicateType }
    }

    private static func trimmingWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return Array(bytes[first...last])
    }
}

/// Predicate type URIs of this service's attestations. Their contents are specified with
/// the PoGO and PoQ protocols.
public enum PredicateType {
    /// A PoGO verification verdict on a commitment. v2: the subject is the commitment digest
    /// (v1 named the bundle bytes), and the predicate states `mode`, `beacon` and `beaconSource`.
    public static let pogoAttestation = "https://pogo-verifier.dev/pogo/attestation/v2"
    /// PoQ scores of model outputs.
    public static let poqScore = "https://pogo-verifier.dev/poq/score/v1"
}
