import Foundation
import Testing
import Verification

/// Keys, subjects and request builders shared by the finalization tests.
enum FinalizationTestSupport {
    /// Deterministic signing key number `i`.
    static func key(_ i: Int) -> SigningKey {
        try! SigningKey(seed: seed(i))
    }

    /// The seed of key number `i`: SHA-256 of "finalization-test-key-<i>".
    static func seed(_ i: Int) -> [UInt8] {
        SHA256.hash(Array("finalization-test-key-\(i)".utf8)).bytes
    }

    static let bundle = SHA256.hash(Array("bundle".utf8))
    static let otherBundle = SHA256.hash(Array("other bundle".utf8))

    /// A beacon the verifier drew, and one the caller chose.
    static let drawnBeacon = ChallengeBeacon(SHA256.hash(Array("drawn beacon".utf8)), source: .verifier)
    static let callerBeacon = ChallengeBeacon(SHA256.hash(Array("caller beacon".utf8)), source: .caller)

    static func pogo(_ key: SigningKey, _ verdict: PoGOVerdict, mode: VerificationReport.Mode = .full,
                     beacon: ChallengeBeacon = drawnBeacon, subject: Digest = bundle) -> FinalizationRequest.Attestation {
        .envelope(try! AttestationPredicate.pogoStatement(commitment: subject, verdict: verdict, mode: mode, beacon: beacon).signed(by: key))
    }

    static func poq(_ key: SigningKey, _ score: Double, subject: Digest = bundle) -> FinalizationRequest.Attestation {
        .envelope(try! AttestationPredicate.poqStatement(output: subject, score: score).signed(by: key))
    }

    /// A request over keys 0..<stakes.count with the given stakes.
    static func request(_ kind: FinalizationKind, stakes: [UInt64], _ attestations: [FinalizationRequest.Attestation],
                        thresholds: FinalizationRequest.Thresholds = .init(), outlierDistance: Double = 0.1,
                        quorum: StakeThreshold = .twoThirds, beacon: Digest? = nil) throws -> FinalizationRequest {
        let verifiers = stakes.enumerated().map { FinalizationRequest.Verifier(publicKey: key($0.offset).publicKey, stake: $0.element) }
        return try FinalizationRequest(kind: kind, subject: bundle, verifiers: verifiers, attestations: attestations,
                                       thresholds: thresholds, outlierDistance: outlierDistance, quorum: quorum, beacon: beacon)
    }

    /// Signs `statement` bytes as given, for payloads the builders refuse to make.
    static func signed(payload: String, payloadType: String = InTotoStatement.payloadType, by key: SigningKey) -> FinalizationRequest.Attestation {
        .envelope(DSSEEnvelope.sign(payload: Array(payload.utf8), payloadType: payloadType, key: key))
    }

    /// A complete PoGO predicate's JSON text whose verdict member(s) are `verdict` (raw JSON members).
    static func pogoPredicate(_ verdict: String = "\"verdict\":\"positive\"", mode: String = "full",
                              source: String = "verifier", beacon: String = drawnBeacon.value.hex) -> String {
        "{\"beacon\":\"\(beacon)\",\"beaconSource\":\"\(source)\",\"mode\":\"\(mode)\",\(verdict)}"
    }

    /// The statement JSON for `predicate` (raw JSON object text) about `subject`.
    static func statementJSON(predicate: String, predicateType: String = PredicateType.pogoAttestation, subject: Digest = bundle) -> String {
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":\(predicate),\"predicateType\":\"\(predicateType)\","
            + "\"subject\":[{\"digest\":{\"sha256\":\"\(subject.hex)\"}}]}"
    }

    /// A request body as JSON text.
    static func requestJSON(kind: String = "pogo", subject: Digest = bundle, verifiers: [(SigningKey, Double)],
                            attestations: [DSSEEnvelope], extra: String = "") -> [UInt8] {
        let list = verifiers.map { "{\"publicKey\":\"\($0.0.publicKey.base64URL)\",\"stake\":\($0.1)}" }.joined(separator: ",")
        let envelopes = attestations.map { String(decoding: $0.jsonBytes(), as: UTF8.self) }.joined(separator: ",")
        return Array("{\"kind\":\"\(kind)\",\"subject\":\"\(subject.hex)\",\"verifiers\":[\(list)],\"attestations\":[\(envelopes)]\(extra)}".utf8)
    }
}
