internal import Foundation
internal import Verification

/// What one verification attempt produced: a signed verdict, or a failure to be retried.
enum JobOutcome {
    /// The verifier reached a verdict: the report, the DSSE envelope and the EIP-712 signature,
    /// each as JSON text.
    case verdict(JobVerdict, report: String, attestation: String, eip712: String)
    /// The verifier could not complete (artifact unreadable, data set unknown, ...).
    case failure(String)

    /// Runs the verifier on `job`'s bundle with its recorded beacon and signs the verdict twice:
    /// a DSSE envelope with `keys.ed25519`, EIP-712 typed data with `keys.secp256k1` in `keys.domain`.
    static func of(_ job: Job, verifier: PoGOVerifier, keys: ServiceKeys) -> JobOutcome {
        guard let bytes = job.bundle else { return .failure("bundle by location is not supported; submit the bytes") }
        do {
            let bundle = try ProofBundle(bytes: bytes)
            let report = try verifier.verify(bundle, beacon: job.beacon)
            let envelope = try PoGOAttestation.envelope(for: report, key: keys.ed25519)
            let eip712 = try PoGOAttestation.eip712Attestation(for: report, key: keys.secp256k1, domain: keys.domain)
            return .verdict(report.verdict == .positive ? .verified : .rejected,
                            report: String(decoding: report.jsonBytes(), as: UTF8.self),
                            attestation: String(decoding: envelope.jsonBytes(), as: UTF8.self), eip712: eip712.json)
        } catch {
            return .failure(String(describing: error))
        }
    }
}
