internal import Foundation

/// A vote one attestation carries: a PoGO verdict with the mode that reached it, or a PoQ score.
enum Ballot: Equatable {
    case verdict(PoGOVerdict, VerificationReport.Mode)
    case score(Double)
}

/// Checks one attestation against the request and reads its ballot.
///
/// Checks run in this order and the first failure is the reason reported:
/// 1. well-formed DSSE envelope (`malformed`);
/// 2. signatures, over PAE(payloadType, payload): each is checked against the verifier its
///    "keyid" names first, then against the other verifiers, within the request's budget of
///    search checks (`SignerSearch`). No valid one: `keySearchBudgetExhausted` if the budget
///    cut a search short, else `badSignature` if some "keyid" named a verifier, else
///    `unknownSigner`;
/// 3. payloadType is `application/vnd.in-toto+json` (`wrongPayloadType`);
/// 4. payload is an in-toto Statement v1 (`malformed`);
/// 5. predicateType matches the kind (`wrongPredicateType`);
/// 6. exactly one subject, whose "sha256" equals the request subject (`wrongSubject`);
/// 7. the predicate holds a valid "verdict" or "score" (`malformed`); a pogo predicate also a
///    "mode" (`full` or `leafOnly`), a "beacon" (64 lower-case hex) and a "beaconSource"
///    (`verifier` or `caller`);
/// 8. pogo: a `caller` beacon equals the request's "beacon" (`unboundBeacon`): a beacon the
///    caller chose may have been chosen to avoid the forged steps. poq: when the request names
///    an evaluator, the predicate's "evaluator"."identity" equals it (`wrongEvaluator`): scores
///    of different evaluators are not comparable.
/// Every verifier with a valid signature on a passing envelope casts its ballot.
struct BallotReader {
    /// The outcome for one attestation.
    enum Outcome: Equatable {
        case ballot(Ballot, signers: [Int])
        case rejected(RejectionReason, detail: String, signers: [Int])
    }

    let kind: FinalizationKind
    let subject: Digest
    let beacon: Digest?
    let evaluator: String?
    private let maxKeySearchChecks: Int
    private var search: SignerSearch

    init(request: FinalizationRequest) {
        kind = request.kind
        subject = request.subject
        beacon = request.beacon
        evaluator = request.evaluator
        maxKeySearchChecks = request.maxKeySearchChecks
        search = SignerSearch(keys: request.verifiers.map(\.publicKey), budget: request.maxKeySearchChecks)
    }

    /// Reads one attestation; attestations must be read in request order, since the signer
    /// search spends one budget for the whole request.
    mutating func read(_ attestation: FinalizationRequest.Attestation) -> Outcome {
        let envelope: DSSEEnvelope
        switch attestation {
        case let .malformed(reason): return .rejected(.malformed, detail: reason, signers: [])
        case let .envelope(value): envelope = value
        }
        let found = search.signers(of: envelope)
        let signers = found.signers
        guard !signers.isEmpty else {
            let ids = envelope.signatures.compactMap(\.keyID).map { String($0.prefix(128)) }
            if found.searchCutShort {
                return .rejected(.keySearchBudgetExhausted, detail: "the request's \(maxKeySearchChecks) checks of signatures against "
                                 + "verifiers their key id does not name are spent; key ids: \(ids)", signers: [])
            }
            return found.namedVerifier
                ? .rejected(.badSignature, detail: "no signature holds under a verifier's key, one of which a key id named", signers: [])
                : .rejected(.unknownSigner, detail: "no signature holds under a verifier's key; key ids: \(ids)", signers: [])
        }
        guard envelope.payloadType == InTotoStatement.payloadType else {
            return .rejected(.wrongPayloadType, detail: "payloadType \"\(envelope.payloadType.prefix(200))\"", signers: signers)
        }
        let statement: InTotoStatement
        do {
            statement = try InTotoStatement(json: envelope.payload)
        } catch {
            return .rejected(.malformed, detail: error.description, signers: signers)
        }
        guard statement.predicateType == kind.predicateType else {
            return .rejected(.wrongPredicateType, detail: "predicateType \"\(statement.predicateType.prefix(200))\"", signers: signers)
        }
        guard statement.subjects.count == 1 else {
            return .rejected(.wrongSubject, detail: "\(statement.subjects.count) subjects, want exactly 1", signers: signers)
        }
        guard statement.subjects[0].sha256 == subject else {
            let got = statement.subjects[0].digest["sha256"] ?? "none"
            return .rejected(.wrongSubject, detail: "subject sha256 \(got.prefix(128))", signers: signers)
        }
        switch ballot(predicateJSON: statement.predicateJSON) {
        case let .success(ballot): return .ballot(ballot, signers: signers)
        case let .failure(problem): return .rejected(problem.reason, detail: problem.message, signers: signers)
        }
    }

    private struct PredicateProblem: Error {
        var reason = RejectionReason.malformed
        let message: String
    }

    /// Reads the ballot from the statement's predicate, which keeps number literals as signed,
    /// so a score is the binary64 nearest to the decimal written (Swift's `Double(String)`
    /// rounds correctly), with no re-encoding in between.
    private func ballot(predicateJSON: [UInt8]) -> Result<Ballot, PredicateProblem> {
        // The statement parser has already read the predicate strictly.
        let predicate = (try? StrictJSONParser().parse(predicateJSON))?.root
        switch kind {
        case .pogo:
            guard let text = predicate?[AttestationPredicate.verdictField]?.string, let verdict = PoGOVerdict(rawValue: text) else {
                return .failure(PredicateProblem(message: "predicate \"verdict\" must be \"positive\" or \"negative\""))
            }
            guard let modeText = predicate?[AttestationPredicate.modeField]?.string,
                  let mode = VerificationReport.Mode(rawValue: modeText) else {
                return .failure(PredicateProblem(message: "predicate \"mode\" must be \"full\" or \"leafOnly\""))
            }
            guard let sourceText = predicate?[AttestationPredicate.beaconSourceField]?.string,
                  let source = ChallengeBeacon.Source(rawValue: sourceText) else {
                return .failure(PredicateProblem(message: "predicate \"beaconSource\" must be \"verifier\" or \"caller\""))
            }
            guard let beaconText = predicate?[AttestationPredicate.beaconField]?.string, beaconText.utf8.count == 64,
                  let used = Digest(hex: beaconText), used.hex == beaconText else {
                return .failure(PredicateProblem(message: "predicate \"beacon\" must be 64 lower-case hex characters"))
            }
            if source == .caller, used != beacon {
                let named = beacon.map { "the request names \($0.hex)" } ?? "the request names no beacon"
                return .failure(PredicateProblem(reason: .unboundBeacon, message: "the caller chose beacon \(beaconText); \(named)"))
            }
            return .success(.verdict(verdict, mode))
        case .poq:
            // Only a JSON number counts: true/false, strings and null are refused.
            guard let literal = predicate?[AttestationPredicate.scoreField]?.numberLiteral, let score = Double(literal),
                  score >= 0, score <= 1 else {
                return .failure(PredicateProblem(message: "predicate \"score\" must be a number in [0, 1]"))
            }
            if let evaluator {
                let named = predicate?[AttestationPredicate.evaluatorField]?[AttestationPredicate.identityField]?.string
                guard named == evaluator else {
                    let stated = named.map { "names evaluator \"\($0.prefix(128))\"" } ?? "names no evaluator identity"
                    return .failure(PredicateProblem(reason: .wrongEvaluator, message: "the score \(stated); the request names \"\(evaluator)\""))
                }
            }
            return .success(.score(score))
        }
    }
}

/// Why an attestation does not vote.
public enum RejectionReason: String, Codable, Sendable, Hashable {
    /// Not a well-formed DSSE envelope, statement or predicate.
    case malformed
    /// No signature holds under any verifier's key, and no key id names a verifier.
    case unknownSigner
    /// No signature holds under any verifier's key, and some key id named a verifier.
    case badSignature
    /// No signature held under the verifiers tried before the request's budget of search checks
    /// (`FinalizationLimits.maxKeySearchChecks`) was spent; give signatures their verifier's key id.
    case keySearchBudgetExhausted
    /// Validly signed, but the payloadType is not `application/vnd.in-toto+json`.
    case wrongPayloadType
    /// Validly signed, but the predicateType does not match the request's kind.
    case wrongPredicateType
    /// Validly signed, but not exactly one subject whose SHA-256 is the request's subject.
    case wrongSubject
    /// Validly signed, but its challenges came from a beacon the caller chose, and the request
    /// does not name that beacon.
    case unboundBeacon
    /// Validly signed, but the score names another evaluator than the request (or none): scores
    /// of different evaluators are not comparable.
    case wrongEvaluator
}
