internal import Foundation
internal import Verification

/// `verifier verify-bundle BUNDLE.json`: verifies a PoGO bundle against the data sets in
/// --dataset-dir (default data/, as `serve --dataset-dir`) and prints the report as JSON; with
/// --key, prints {"report": ..., "envelope": ...} with the signed DSSE attestation. Without
/// --beacon, 32 random bytes are drawn (beaconSource "verifier"); with it, the report and the
/// attestation say the caller chose the beacon (beaconSource "caller"). Exit status: 0 positive verdict,
/// 1 negative verdict, 2 usage error or verification could not complete. http(s) artifacts
/// are fetched with the VERIFIER_FETCH_* limits of the environment (docs/configuration-fetch.md);
/// file:// artifacts are read only below --artifact-root DIR; --max-reexecuted P verifies a larger model
/// in leaf-only mode, as does a model whose re-execution would not fit this machine's memory
/// (`MemoryLimit`, `ReexecutionCost`).
enum VerifyBundleCommand: Subcommand {
    static let name = "verify-bundle"
    static let usage = "verify-bundle BUNDLE.json [--beacon HEX] [--artifact-root DIR] [--key KEYFILE] [--dataset-dir DIR] [--challenged-steps K] [--challenged-leaves K] [--max-reexecuted P]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--beacon", "--artifact-root", "--key", "--dataset-dir", "--challenged-steps",
                                                           "--challenged-leaves", "--max-reexecuted"])
        guard args.positionals.count == 1 else { throw UsageError("expected one BUNDLE.json argument") }
        let beacon: ChallengeBeacon
        if let text = args.value("--beacon") {
            guard let b = Digest(hex: text) else { throw UsageError("--beacon must be 64 hex characters") }
            beacon = ChallengeBeacon(b, source: .caller)
        } else {
            beacon = ChallengeBeacon.drawn()
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
            let fileRoot = try args.value("--artifact-root").map { path throws -> FileArtifactRoot in
                do { return try FileArtifactRoot(path: path) } catch { throw UsageError("--artifact-root: \(error)") }
            }
            policy.allowFileURIs = fileRoot != nil
            policy.challengedSteps = try args.int("--challenged-steps") ?? policy.challengedSteps
            policy.challengedLeaves = try args.int("--challenged-leaves") ?? policy.challengedLeaves
            policy.maxReexecutedParameters = try args.int("--max-reexecuted") ?? policy.maxReexecutedParameters
            let fetch = try FetchConfiguration(environment: ProcessInfo.processInfo.environment)
            let datasets = try DatasetResolver.indexing(directory: args.value("--dataset-dir") ?? "data")
            let memory = ReexecutionMemory(capacityBytes: MemoryLimit.defaultReexecutionBytes(limit: MemoryLimit.detect()))
            let report = try PoGOVerifier(policy: policy, datasets: datasets, source: URLArtifactSource(configuration: fetch),
                                          fileRoot: fileRoot, memory: memory)
                .verify(bundle, beacon: beacon)
            var out = report.jsonBytes()
            if let key {
                let envelope = try PoGOAttestation.envelope(for: report, key: key)
                out = Array("{\"envelope\":".utf8) + envelope.jsonBytes() + Array(",\"report\":".utf8) + out + Array("}".utf8)
            }
            FileHandle.standardOutput.write(Data(out + Array("\n".utf8)))
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
