import Foundation
import TestSupport
import Testing
@testable import Server
import Verification

/// PoGO verification of bundles whose artifacts are served over HTTP by tools/range_server.py:
/// leaf-only by range (mined with `verifier mine --trees --base-url`), full mode fetching whole
/// artifacts, tampering, and the default address policy.
@Suite(.serialized) struct RemoteVerificationTests {
    static let digitsPath = Repository.path("data/digits.csv")
    /// The mined MLP [64, 32, 10] has 2,410 parameters: a cap of 2,409 forces leaf-only mode.
    static let leafOnly = VerificationPolicy(challengedSteps: 3, challengedLeaves: 3, maxReexecutedParameters: 2_409)

    /// Mines 3 steps into the server's directory with `verifier mine`, naming artifacts by `base`.
    static func mine(into server: RangeServer, base: String? = nil) throws -> ProofBundle {
        let run = try MerkleCommandTests.verifier([
            "mine", "--arch", "mlp", "--hidden", "32", "--steps", "3", "--lr", "0.1", "--batch", "64", "--eval-batch", "256",
            "--seed", "1", "--block-seed", String(repeating: "5a", count: 32), "--out", server.directory,
            "--base-url", base ?? server.base, "--trees", "--dataset", digitsPath,
        ])
        guard run.status == 0 else { throw RangeServer.Failure(description: "verifier mine failed: \(run.stdout)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/bundle.json"))
        return try ProofBundle(bytes: [UInt8](data))
    }

    static func verify(_ bundle: ProofBundle, policy: VerificationPolicy, fetch: FetchConfiguration) throws -> VerificationReport {
        guard let data = FileManager.default.contents(atPath: digitsPath) else { throw RangeServer.Failure(description: "\(digitsPath) is missing: run scripts/setup") }
        let verifier = PoGOVerifier(policy: policy, datasets: DatasetResolver(paths: [SHA256.hash([UInt8](data)): digitsPath]),
                                    source: URLArtifactSource(configuration: fetch))
        return try verifier.verify(bundle, beacon: ChallengeBeacon(SHA256.hash(Array("remote".utf8)), source: .caller))
    }

    @Test func leafOnlyVerificationByRangeOfHonestBundle() throws {
        let server = try RangeServer()
        let bundle = try Self.mine(into: server)
        let report = try Self.verify(bundle, policy: Self.leafOnly, fetch: try server.configuration())
        #expect(report.verdict == .positive, "\(report.checks.filter { !$0.passed }.map(\.detail))")
        #expect(report.mode == .leafOnly)
        #expect(report.checksNotRun?.isEmpty == false)
    }

    @Test func leafOnlyWorksWhenTheServerIgnoresRange() throws {
        let server = try RangeServer(ignoreRange: true)
        let bundle = try Self.mine(into: server)
        let report = try Self.verify(bundle, policy: Self.leafOnly, fetch: try server.configuration())
        #expect(report.verdict == .positive, "\(report.failedChecks)")
    }

    @Test func fullModeFetchesWholeArtifactsOverHTTP() throws {
        let server = try RangeServer()
        let bundle = try Self.mine(into: server)
        var policy = Self.leafOnly
        policy.maxReexecutedParameters = 2_410
        let report = try Self.verify(bundle, policy: policy, fetch: try server.configuration())
        #expect(report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.mode == .full)
    }

    @Test func leafOnlyRejectsTamperedServedCheckpoint() throws {
        let server = try RangeServer()
        let bundle = try Self.mine(into: server)
        let path = server.directory + "/theta0.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Every leaf of the 2,410 parameters gets one flipped low mantissa bit.
        let dataStart = bytes.count - 4 * 2_410
        for k in stride(from: dataStart, to: bytes.count, by: 4 * 1_024) { bytes[k] ^= 0x01 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try Self.verify(bundle, policy: Self.leafOnly, fetch: try server.configuration())
        #expect(report.verdict == .negative)
        #expect(report.failed(.leafTheta0Opening))
    }

    /// The job's error names the category; the address a name resolved to is for the log only.
    @Test func defaultFetchPolicyRefusesLoopbackArtifactsNamingTheCategoryOnly() throws {
        let server = try RangeServer()
        let bundle = try Self.mine(into: server)
        do {
            _ = try Self.verify(bundle, policy: Self.leafOnly, fetch: FetchConfiguration())
            Issue.record("a loopback artifact was fetched")
        } catch let PoGOVerificationError.artifactUnreadable(_, reason) {
            #expect(reason == "refused to connect to a loopback address")
            #expect(!reason.contains("127.0.0.1:\(server.port)"))
        }
    }
}
