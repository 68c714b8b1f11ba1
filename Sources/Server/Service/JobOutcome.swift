internal import Foundation
internal import Verification

/// What one verification attempt produced: a signed verdict, or a failure to be retried.
enum JobOutcome {
    /// The verifier reached a verdict: the report and the DSSE envelope, both as JSON text.
    case verdict(JobVerdict, report: String, attestation: String)
    /// The verifier could not complete (artifact unreadable, data set unknown, ...).
    case failure(String)

    /// Runs the verifier on `job`'s bundle with its recorded beacon and signs the verdict.
    static func of(_ job: Job, verifier: PoGOVerifier, key: SigningKey) -> JobOutcome {
        guard let bytes = job.bundle else { return .failure("bundle by location is not supported; submit the bytes") }
        do {
            let bundle = try ProofBundle(bytes: bytes)
            let report = try verifier.verify(bundle, beacon: job.beacon)
            let envelope = try PoGOAttestation.envelope(for: report, key: key)
            return .verdict(report.verdict == .positive ? .verified : .rejected,
                            report: String(decoding: report.jsonBytes(), as: UTF8.self),
                            attestation: String(decoding: envelope.jsonBytes(), as: UTF8.self))
        } catch {
            return .failure(String(describing: error))
        }
    }
}
