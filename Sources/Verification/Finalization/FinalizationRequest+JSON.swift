extension FinalizationRequest {
    /// Parses and validates a request body:
    /// `{"kind": "pogo"|"poq", "subject": "<64 hex>", "verifiers": [{"publicKey": "<base64url>", "stake": <integer>}],
    /// "attestations": [<DSSE envelope object>, ...], "thresholds": {...}, "beacon": "<64 hex>"}`, where "thresholds" is
    /// optional and holds "confirm" and/or "slash" for pogo, "outlierDistance" and/or "quorum" for poq, and "beacon"
    /// (pogo only, optional) names the caller beacon the decision accepts. Unknown members are refused so
    /// typos do not pass silently. An attestation that is not a well-formed envelope does not fail
    /// the request; it becomes `.malformed` and is rejected by the finalizer. Thresholds the
    /// body leaves out (or sets to null) take their values from `defaults`.
    public init(json: [UInt8], limits: FinalizationLimits = FinalizationLimits(), defaults: Defaults = Defaults()) throws(FinalizationError) {
        guard json.count <= limits.maxRequestBytes else { throw .tooLarge(bytes: json.count, limit: limits.maxRequestBytes) }
        self = try Self.reading {
            let root = try JSONCursor.parse(json, shape: Self.jsonShape)
            let kindCursor = try root.member("kind")
            guard let kind = FinalizationKind(rawValue: try kindCursor.string(maxBytes: 16)) else {
                throw kindCursor.fail("must be \"pogo\" or \"poq\"")
            }
            let subject = try root.member("subject").digest()
            var beacon: Digest?
            if let cursor = try root.optionalMember("beacon") {
                guard kind == .pogo else { throw cursor.fail("applies to kind \"pogo\" only") }
                beacon = try cursor.digest()
            }
            var evaluator = kind == .poq ? defaults.evaluator : nil
            if let cursor = try root.optionalMember("evaluator") {
                guard kind == .poq else { throw cursor.fail("applies to kind \"poq\" only") }
                let text = try cursor.string(maxBytes: 128)
                guard Self.isEvaluatorIdentity(text) else {
                    throw cursor.fail("must be an evaluator identity \"poq/1 <similarity|cross-encoder> sha256:<64 lower-case hex>\"")
                }
                evaluator = text
            }
            let verifierList = try root.member("verifiers")
            let verifierCount = try verifierList.count()
            guard verifierCount <= limits.maxVerifiers else {
                throw FinalizationError.tooManyVerifiers(count: verifierCount, limit: limits.maxVerifiers)
            }
            let verifiers = try verifierList.array(maxCount: limits.maxVerifiers).enumerated().map { i, cursor throws(FinalizationError) in
                try Self.verifier(cursor, index: i)
            }
            let attestationList = try root.member("attestations")
            let attestationCount = try attestationList.count()
            guard attestationCount <= limits.maxAttestations else {
                throw FinalizationError.tooManyAttestations(count: attestationCount, limit: limits.maxAttestations)
            }
            let attestations = try attestationList.array(maxCount: limits.maxAttestations).map { Self.attestation($0, limits: limits.envelope) }
            var numbers: [String: Double] = [:]
            if let cursor = try root.optionalMember("thresholds") {
                let names = kind == .pogo ? ["confirm", "slash"] : ["outlierDistance", "quorum"]
                try cursor.onlyMembers(Set(names))
                for name in names {
                    if let value = try cursor.optionalMember(name)?.double() { numbers[name] = value }
                }
            }
            // The literals are read correctly rounded (Swift's Double(String)); Foundation's
            // JSONSerialization on Linux misreads some decimals by an ulp and is not used.
            let thresholds = Thresholds(confirm: try Self.threshold(numbers["confirm"], "confirm") ?? defaults.confirm,
                                        slash: try Self.threshold(numbers["slash"], "slash") ?? defaults.slash)
            let outlierDistance = numbers["outlierDistance"] ?? defaults.outlierDistance
            let quorum = try Self.threshold(numbers["quorum"], "quorum") ?? defaults.quorum
            return try FinalizationRequest(kind: kind, subject: subject, verifiers: verifiers, attestations: attestations,
                                           thresholds: thresholds, outlierDistance: outlierDistance, quorum: quorum,
                                           beacon: beacon, evaluator: evaluator, limits: limits)
        }
    }

    /// The containers and member names a request may have, refused while parsing otherwise
    /// (each kind's thresholds are narrowed after the kind is read).
    static let jsonShape = JSONShape.object([
        "kind": .any, "subject": .any, "beacon": .any, "evaluator": .any,
        "verifiers": .array(.object(["publicKey": .any, "stake": .any])),
        "attestations": .array(.any),
        "thresholds": .object(["confirm": .any, "slash": .any, "outlierDistance": .any, "quorum": .any]),
    ])

    /// Runs `body`, passing its `FinalizationError` on and turning a `JSONFieldError` into
    /// `.invalidField`; `body` throws nothing else.
    private static func reading<T>(_ body: () throws -> T) throws(FinalizationError) -> T {
        do {
            return try body()
        } catch let error as JSONFieldError {
            throw .invalidField(error)
        } catch let error as FinalizationError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// One member of the verifier set, once its members are checked.
    private static func verifier(_ cursor: JSONCursor, index: Int) throws(FinalizationError) -> Verifier {
        try reading {
            let keyText = try cursor.member("publicKey").string(maxBytes: 128)
            let publicKey: PublicKey
            do throws(KeyError) {
                publicKey = try PublicKey(base64URL: keyText)
            } catch {
                throw FinalizationError.invalidPublicKey(verifier: index, reason: error)
            }
            let stake = try Self.stake(cursor.member("stake").double(), verifier: index)
            return Verifier(publicKey: publicKey, stake: stake)
        }
    }

    private static func stake(_ value: Double, verifier: Int) throws(FinalizationError) -> UInt64 {
        guard value >= 1, value <= Double(FinalizationLimits.maxStake), value == value.rounded() else {
            throw .invalidStake(verifier: verifier, stake: value)
        }
        return UInt64(value)
    }

    private static func threshold(_ value: Double?, _ name: String) throws(FinalizationError) -> StakeThreshold? {
        guard let value else { return nil }
        guard let threshold = StakeThreshold(value) else { throw .invalidThreshold(name: name, value: value) }
        return threshold
    }

    /// Re-serializes one parsed entry and reads it as a DSSE envelope; failures become `.malformed`.
    private static func attestation(_ cursor: JSONCursor, limits: DSSELimits) -> Attestation {
        guard cursor.isObject else { return .malformed("not a JSON object") }
        do {
            return .envelope(try DSSEEnvelope(json: cursor.encoded(), limits: limits))
        } catch {
            return .malformed(error.description)
        }
    }

    /// "poq/1 similarity sha256:<64 lower-case hex>" or the same with "cross-encoder".
    static func isEvaluatorIdentity(_ text: String) -> Bool {
        for mode in ["similarity", "cross-encoder"] {
            let prefix = "poq/1 \(mode) sha256:"
            guard text.hasPrefix(prefix) else { continue }
            let hex = text.utf8.dropFirst(prefix.utf8.count)
            return hex.count == 64 && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        return false
    }
}
