import Foundation
import Testing
@testable import Verification

/// The attestation of a verdict, the report's JSON field names, and the partial-fake catch rate.
@Suite struct PoGOAttestationTests {
    @Test func signsVerdictAsInTotoStatementInDSSEEnvelope() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 3)
        let bundle = try PoGOTestSupport.bundle(run)
        let report = try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed)
        let key = try SigningKey(seed: [UInt8](repeating: 7, count: 32))
        let envelope = try PoGOAttestation.envelope(for: report, key: key)
        guard case let .valid(_, payload) = envelope.verify(trustedKeys: [key.publicKey], expectedPayloadType: InTotoStatement.payloadType) else {
            Issue.record("envelope does not verify")
            return
        }
        let statement = try InTotoStatement(json: payload)
        #expect(statement.predicateType == PredicateType.pogoAttestation)
        #expect(statement.subjects == [InTotoStatement.Subject(name: "pogo-commitment", sha256: bundle.commitmentDigest)])
        let predicate = try statement.predicate(as: PoGOAttestation.Predicate.self)
        #expect(predicate.verdict == .positive)
        #expect(predicate.mode == .full)
        #expect(predicate.beacon == PoGOTestSupport.blockSeed.hex && predicate.beaconSource == .caller)
        #expect(predicate.bundleDigest == bundle.digest.hex && predicate.runKey == bundle.runKey.hex)
        #expect(predicate.stepsChecked == report.stepsChecked)
        #expect(predicate.checks.count == report.checks.count)
        #expect(predicate.policy == VerificationPolicy())
    }

    @Test func reportEncodesStableFieldNames() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 2)
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        #expect(Set(object.keys) == ["verdict", "mode", "bundleDigest", "commitmentDigest", "runKey", "beacon", "beaconSource",
                                     "challengeSeed", "stepsChecked", "leavesChecked", "checks", "failedChecks", "timings", "policy",
                                     "estimatedPeakBytes"])
        let decoded = try JSONDecoder().decode(VerificationReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
    }

    /// Only m = 7 of N = 10 steps are real; the 3 fakes commit another batch's gradient
    /// consistently (so progress still holds). With k = 2 distinct challenged steps a bundle is
    /// caught exactly when a fake is challenged: probability 1 - C(7,2)/C(10,2) = 0.533
    /// (1 - (m/N)^k = 0.51 with replacement). Over 100 fixed beacons the rate must lie within
    /// 4.5 standard deviations of 0.533.
    @Test func catchesPartialFakesAtTheSamplingRate() throws {
        let fakes: Set<Int> = [2, 5, 8]
        let miner = try PoGOTestSupport.mlpMiner()
        let run = try PoGOTestSupport.mine(miner, steps: 10) { t, theta, honest in
            guard fakes.contains(t) else { return honest }
            var g: [Float] = []
            _ = try miner.workload.lossAndGradient(parameters: theta, indices: try miner.batch(t + 20), gradient: &g)
            return g
        }
        let bundle = try PoGOTestSupport.bundle(run)
        var caught = 0
        let trials = 100
        for i in 0..<trials {
            let report = try PoGOTestSupport.verify(bundle, beacon: SHA256.hash(Array("rate \(i)".utf8)))
            let challengedFake = !fakes.isDisjoint(with: report.stepsChecked)
            #expect((report.verdict == .negative) == challengedFake, "beacon \(i): \(report.failedChecks)")
            if report.verdict == .negative { caught += 1 }
        }
        let rate = Double(caught) / Double(trials)
        let expected = 1 - 21.0 / 45.0
        print("pogo partial-fake catch rate: \(caught)/\(trials) = \(rate); hypergeometric \(expected), 1-(m/N)^k \(1 - 0.49)")
        #expect(abs(rate - expected) <= 4.5 * (expected * (1 - expected) / Double(trials)).squareRoot())
    }
}
