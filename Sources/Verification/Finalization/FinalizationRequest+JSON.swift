internal import Foundation

extension FinalizationRequest {
    /// Parses and validates a request body:
    /// `{"kind": "pogo"|"poq", "subject": "<64 hex>", "verifiers": [{"publicKey": "<base64url>", "stake": <integer>}],
    /// "attestations": [<DSSE envelope object>, ...], "thresholds": {...}}`, where "thresholds" is optional and holds
    /// "confirm" and/or "slash" for pogo, "outlierDistance" for poq. Unknown members are refused so
    /// typos do not pass silently. An attestation that is not a well-formed envelope does not fail
    /// the request; it becomes `.malformed` and is rejected by the finalizer.
    public init(json: [UInt8], limits: FinalizationLimits = FinalizationLimits()) throws(FinalizationError) {
        guard json.count <= limits.maxRequestBytes else { throw .tooLarge(bytes: json.count, limit: limits.maxRequestBytes) }
        do {
            let root = try JSONCursor.parse(json)
            try root.onlyMembers(["kind", "subject", "verifiers", "attestations", "thresholds"])
            let kindCursor = try root.member("kind")
            guard let kind = FinalizationKind(rawValue: try kindCursor.string(maxBytes: 16)) else {
                throw kindCursor.fail("must be \"pogo\" or \"poq\"")
            }
            let subject = try root.member("subject").digest()
            let verifierCursors = try root.member("verifiers").array(maxCount: .max)
            guard verifierCursors.count <= limits.maxVerifiers else {
                throw FinalizationError.tooManyVerifiers(count: verifierCursors.count, limit: limits.maxVerifiers)
            }
            let verifiers = try verifierCursors.enumerated().map { i, cursor throws(FinalizationError) in
                try Self.verifier(cursor, index: i)
            }
            let attestationCursors = try root.member("attestations").array(maxCount: .max)
            guard attestationCursors.count <= limits.maxAttestations else {
                throw FinalizationError.tooManyAttestations(count: attestationCursors.count, limit: limits.maxAttestations)
            }
            let attestations = attestationCursors.map { Self.attestation($0, limits: limits.envelope) }
            var thresholds = Thresholds()
            var outlierDistance = Self.defaultOutlierDistance
            if let cursor = try root.optionalMember("thresholds") {
                switch kind {
                case .pogo:
                    try cursor.onlyMembers(["confirm", "slash"])
                    thresholds = Thresholds(confirm: try Self.threshold(cursor, "confirm") ?? .twoThirds,
                                            slash: try Self.threshold(cursor, "slash") ?? .oneThird)
                case .poq:
                    try cursor.onlyMembers(["outlierDistance"])
                    outlierDistance = try cursor.optionalMember("outlierDistance")?.double() ?? outlierDistance
                }
            }
            try self.init(kind: kind, subject: subject, verifiers: verifiers, attestations: attestations,
                          thresholds: thresholds, outlierDistance: outlierDistance, limits: limits)
        } catch let error as JSONFieldError {
            throw .invalidField(error)
        } catch let error as FinalizationError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    private static func verifier(_ cursor: JSONCursor, index: Int) throws(FinalizationError) -> Verifier {
        do {
            try cursor.onlyMembers(["publicKey", "stake"])
            let keyText = try cursor.member("publicKey").string(maxBytes: 128)
            let publicKey: PublicKey
            do {
                publicKey = try PublicKey(base64URL: keyText)
            } catch {
                throw FinalizationError.invalidPublicKey(verifier: index, reason: error.description)
            }
            let stake = try cursor.member("stake").double()
            guard stake >= 1, stake <= Double(FinalizationLimits.maxStake), stake == stake.rounded() else {
                throw FinalizationError.invalidStake(verifier: index, stake: stake)
            }
            return Verifier(publicKey: publicKey, stake: UInt64(stake))
        } catch let error as JSONFieldError {
            throw .invalidField(error)
        } catch let error as FinalizationError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    private static func threshold(_ cursor: JSONCursor, _ name: String) throws -> StakeThreshold? {
        guard let member = try cursor.optionalMember(name) else { return nil }
        let value = try member.double()
        guard let threshold = StakeThreshold(value) else { throw FinalizationError.invalidThreshold(name: name, value: value) }
        return threshold
    }

    /// Re-serializes one parsed entry and reads it as a DSSE envelope; failures become `.malformed`.
    private static func attestation(_ cursor: JSONCursor, limits: DSSELimits) -> Attestation {
        guard cursor.value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: cursor.value) else {
            return .malformed("not a JSON object")
        }
        do {
            return .envelope(try DSSEEnvelope(json: Array(data), limits: limits))
        } catch {
            return .malformed(error.description)
        }
    }
}
