internal import Foundation

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
        do {
            let root = try JSONCursor.parse(json)
            try root.onlyMembers(["kind", "subject", "verifiers", "attestations", "thresholds", "beacon"])
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
            if let cursor = try root.optionalMember("thresholds") {
                switch kind {
                case .pogo:
                    try cursor.onlyMembers(["confirm", "slash"])
                    _ = try cursor.optionalMember("confirm")?.double()
                    _ = try cursor.optionalMember("slash")?.double()
                case .poq:
                    try cursor.onlyMembers(["outlierDistance", "quorum"])
                    _ = try cursor.optionalMember("outlierDistance")?.double()
                    _ = try cursor.optionalMember("quorum")?.double()
                }
            }
            // JSONSerialization on Linux misreads many decimals by an ulp (measured: 1.0000000000000002
            // reads as 1.0000000000000004); JSONDecoder reads them correctly rounded, so the numbers
            // that decide come from it, once the cursor pass has checked every type.
            let exact: ExactNumbers
            do {
                exact = try JSONDecoder().decode(ExactNumbers.self, from: Data(json))
            } catch {
                throw JSONFieldError(field: "", reason: "body is not valid JSON")
            }
            let exactVerifiers = try zip(verifiers, exact.verifiers).enumerated().map { i, pair throws(FinalizationError) in
                Verifier(publicKey: pair.0, stake: try Self.stake(pair.1.stake, verifier: i))
            }
            let numbers = exact.thresholds
            let thresholds = Thresholds(confirm: try Self.threshold(numbers?.confirm, "confirm") ?? defaults.confirm,
                                        slash: try Self.threshold(numbers?.slash, "slash") ?? defaults.slash)
            let outlierDistance = numbers?.outlierDistance ?? defaults.outlierDistance
            let quorum = try Self.threshold(numbers?.quorum, "quorum") ?? defaults.quorum
            try self.init(kind: kind, subject: subject, verifiers: exactVerifiers, attestations: attestations,
                          thresholds: thresholds, outlierDistance: outlierDistance, quorum: quorum, beacon: beacon, limits: limits)
        } catch let error as JSONFieldError {
            throw .invalidField(error)
        } catch let error as FinalizationError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// The verifier's public key, once its members are checked (the stake is read by `ExactNumbers`).
    private static func verifier(_ cursor: JSONCursor, index: Int) throws(FinalizationError) -> PublicKey {
        do {
            try cursor.onlyMembers(["publicKey", "stake"])
            let keyText = try cursor.member("publicKey").string(maxBytes: 128)
            let publicKey: PublicKey
            do {
                publicKey = try PublicKey(base64URL: keyText)
            } catch {
                throw FinalizationError.invalidPublicKey(verifier: index, reason: error)
            }
            _ = try cursor.member("stake").double()
            return publicKey
        } catch let error as JSONFieldError {
            throw .invalidField(error)
        } catch let error as FinalizationError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
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

    /// The request's decision-relevant numbers, read correctly rounded.
    private struct ExactNumbers: Decodable {
        struct Verifier: Decodable {
            let stake: Double
        }
        struct Numbers: Decodable {
            let confirm: Double?
            let slash: Double?
            let outlierDistance: Double?
            let quorum: Double?
        }
        let verifiers: [Verifier]
        let thresholds: Numbers?
    }

    /// Re-serializes one parsed entry and reads it as a DSSE envelope; failures become `.malformed`.
    private static func attestation(_ cursor: JSONCursor, limits: DSSELimits) -> Attestation {
        guard case .object = cursor.value else { return .malformed("not a JSON object") }
        do {
            return .envelope(try DSSEEnvelope(json: cursor.value.encoded(), limits: limits))
        } catch {
            return .malformed(error.description)
        }
    }
}
