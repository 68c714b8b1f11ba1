internal import Foundation
internal import Verification

/// `verifier verify-bundle BUNDLE.json`: verifies a PoGO bundle against the data sets in
/// --data-dir (default data/) and prints the report as JSON; with --key, prints
/// {"report": ..., "envelope": ...} with the signed DSSE attestation. Without --beacon, 32
/// random bytes are drawn (and recorded in the report). Exit status: 0 positive verdict,
/// 1 negative verdict, 2 usage error or verification could not complete.
enum VerifyBundleCommand: Subcommand {
    static let name = "verify-bundle"
    static let usage = "verify-bundle BUNDLE.json [--beacon HEX] [--allow-file] [--key KEYFILE] [--data-dir DIR] [--challenged-steps K] [--challenged-leaves K]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--beacon", "--key", "--data-dir", "--challenged-steps", "--challenged-leaves"], flags: ["--allow-file"])
        guard args.positionals.count == 1 else { throw UsageError("expected one BUNDLE.json argument") }
        let beacon: Digest
        if let text = args.value("--beacon") {
            guard let b = Digest(hex: text) else { throw UsageError("--beacon must be 64 hex characters") }
            beacon = b
        } else {
            var rng = SystemRandomNumberGenerator()
            beacon = Digest(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        let key: SigningKey?
        if let keyPath = args.value("--key") {
            guard case let .privateKey(k) = try KeyFile.read(keyPath) else { throw UsageError("--key must be a private key file") }
            key = k
        } else {
            key = nil
        }
        let limits = ProofBundleLimits()
        let path = args.positionals[0]
        // Refused before reading: a bundle can be no larger than its inline artifacts allow.
        let maxBytes = (limits.maxSteps + 1) * (limits.maxInlineArtifactBytes / 3 * 4 + 4_096)
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxBytes {
            return fail("bundle file has \(size) bytes, limit \(maxBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return fail("cannot read \(path)") }
        setBLASThreadCount(1)
        do {
            let bundle = try ProofBundle(bytes: [UInt8](data), limits: limits)
            var policy = VerificationPolicy()
            policy.allowFileURIs = args.isSet("--allow-file")
            policy.challengedSteps = try args.int("--challenged-steps") ?? policy.challengedSteps
            policy.challengedLeaves = try args.int("--challenged-leaves") ?? policy.challengedLeaves
            let datasets = try DatasetResolver.indexing(directory: args.value("--data-dir") ?? "data")
            let report = try PoGOVerifier(policy: policy, datasets: datasets).verify(bundle, beacon: beacon)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = try encoder.encode(report)
            if let key {
                let envelope = try PoGOAttestation.envelope(for: report, key: key)
                out = Data("{\"envelope\":".utf8) + Data(envelope.jsonBytes()) + Data(",\"report\":".utf8) + out + Data("}".utf8)
            }
            FileHandle.standardOutput.write(out + Data("\n".utf8))
            return report.verdict == .positive ? 0 : 1
        } catch {
            return fail("\(error)")
        }
    }

    private static func fail(_ message: String) -> Int32 {
        CommandLineTool.stderr("error: verification could not complete: \(message)")
        return 2
    }
}
