import Foundation
import Testing
@testable import Verification

/// A miner who drives a measurement to NaN or an infinity must still get a signed negative
/// verdict: the report stays encodable (non-finite measurements are strings) and the check that
/// caught it is named, never an error that leaves the job unsigned.
@Suite struct PoGONonFiniteTests {
    static let steps = 6
    static let forged = 3

    /// An honest MLP run whose step-3 gradient is replaced by `tamper(g)`, every root re-committed
    /// over the bytes the replay produces (a NaN or an infinity included), as a forger would.
    static func tamperedRun(_ tamper: (QuantizedGradient) throws -> QuantizedGradient) throws -> MinedRun {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: steps)
        run.gradients[forged - 1] = try tamper(run.gradients[forged - 1])
        var theta = run.theta0
        for t in 1...steps {
            try QuantizedUpdate.apply(run.gradients[t - 1], learningRate: run.settings.learningRate, to: &theta)
            run.steps[t - 1].gradientRoot = run.gradients[t - 1].merkleRoot()
            run.steps[t - 1].weightsRoot = try rawRoot(theta)
        }
        return run
    }

    /// The RFC 6962 root over the fp32 bytes of `theta` in 1024-parameter leaves, finite or not.
    static func rawRoot(_ theta: [Float]) throws -> Digest {
        let bytes = theta.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let leaves = stride(from: 0, to: bytes.count, by: 4096).map { Array(bytes[$0..<min($0 + 4096, bytes.count)]) }
        return try Merkle.root(leafCount: leaves.count) { RFC6962Hasher().hashLeaf(leaves[$0]) }
    }

    /// `gradient` with block 0's scale set to `scale` and all its 64 codes to `code`.
    static func withBlockZero(_ gradient: QuantizedGradient, scale: Float, code: UInt8) throws -> QuantizedGradient {
        var scales = gradient.scales, packed = gradient.packedCodes
        scales[0] = scale
        for i in 0..<(QuantizedGradient.blockSize / 2) { packed[i] = (code & 0x0F) | (code & 0x0F) << 4 }
        return try QuantizedGradient(parameterCount: gradient.parameterCount, scales: scales, packedCodes: packed)
    }

    /// Verifies with every step and leaf challenged, then signs and encodes the report the way
    /// the service does; returns the report and its JSON object.
    static func verifyAndEncode(_ run: MinedRun) throws -> (VerificationReport, [String: Any]) {
        var policy = VerificationPolicy()
        policy.challengedSteps = steps
        policy.challengedLeaves = 64
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed, policy: policy)
        let key = try SigningKey(seed: [UInt8](repeating: 3, count: 32))
        let envelope = try PoGOAttestation.envelope(for: report, key: key)
        #expect(envelope.verify(trustedKeys: [key.publicKey], expectedPayloadType: InTotoStatement.payloadType).isValid)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.jsonBytes())) as? [String: Any])
        // NaN is not equal to itself, so the round trip is compared as encoded bytes.
        #expect(try JSONDecoder().decode(VerificationReport.self, from: Data(report.jsonBytes())).jsonBytes() == report.jsonBytes())
        return (report, json)
    }

    @Test func hugeScaleWithZeroCodesIsASignedRejection() throws {
        // 3e38 · 0 = 0: the weights do not move, so every root is consistent; only the scale lies.
        let run = try Self.tamperedRun { try Self.withBlockZero($0, scale: 3e38, code: 0) }
        let (report, _) = try Self.verifyAndEncode(run)
        #expect(report.verdict == .negative)
        #expect(report.check(.replayWeightsRoots)?.passed == true)
        #expect(report.failedChecks.contains("step.gradient[\(Self.forged)]"), "\(report.failedChecks)")
        let measured = try #require(report.check(.stepGradient, step: Self.forged)?.measured.maxScaleRelativeError)
        #expect(measured > 1e30)
    }

    @Test func infinityReachedByTheUpdateRuleIsASignedRejectionNamingTheStep() throws {
        // lr · (3e38 · 7) overflows fp32: theta_3 holds -infinity in block 0 (layer 0's bias and
        // the weights of pixel 0, which is 0 in every digit: 0 · -infinity is NaN), so theta_N's losses are NaN.
        let run = try Self.tamperedRun { try Self.withBlockZero($0, scale: 3e38, code: 7) }
        let (report, json) = try Self.verifyAndEncode(run)
        #expect(report.verdict == .negative)
        let replay = try #require(report.check(.replayWeightsRoots))
        #expect(!replay.passed && replay.measured.firstFailingStep == Self.forged)
        #expect(replay.detail.contains("theta_\(Self.forged) has a non-finite parameter 0"), "\(replay.detail)")
        #expect(report.failedChecks.contains("progress.publicFinalLoss"), "\(report.failedChecks)")
        // The NaN loss of theta_N is in the report as the string "nan".
        let checks = try #require(json["checks"] as? [[String: Any]])
        let final = checks.first { $0["name"] as? String == "progress.publicFinalLoss" }
        let finalMeasured = final?["measured"] as? [String: Any]
        #expect(finalMeasured?["recomputedLoss"] as? String == "nan", "\(String(describing: finalMeasured))")
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func everyMeasuredFieldEncodesNonFiniteValues(value: Float) throws {
        let floats: [WritableKeyPath<VerificationReport.Measurements, Float?>] = [
            \.claimedLoss, \.recomputedLoss, \.lossRelativeError, \.maxScaleRelativeError,
        ]
        let doubles: [WritableKeyPath<VerificationReport.Measurements, Double?>] = [\.mismatchedCodeFraction, \.maxBoundaryDistance]
        var samples: [VerificationReport.Measurements] = []
        for path in floats { var m = VerificationReport.Measurements(); m[keyPath: path] = value; samples.append(m) }
        for path in doubles { var m = VerificationReport.Measurements(); m[keyPath: path] = Double(value); samples.append(m) }
        var all = VerificationReport.Measurements()
        for path in floats { all[keyPath: path] = value }
        for path in doubles { all[keyPath: path] = Double(value) }
        samples.append(all)
        let spelling = value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
        for sample in samples {
            let data = try JSONEncoder().encode(sample)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"\(spelling)\""), "\(text)")
            let back = try JSONDecoder().decode(VerificationReport.Measurements.self, from: data)
            for path in floats {
                let (a, b) = (back[keyPath: path], sample[keyPath: path])
                #expect(a == b || (a?.isNaN == true && b?.isNaN == true))
            }
            for path in doubles {
                let (a, b) = (back[keyPath: path], sample[keyPath: path])
                #expect(a == b || (a?.isNaN == true && b?.isNaN == true))
            }
        }
        // Every float or double field of Measurements is among those covered above.
        let fractional = Mirror(reflecting: all).children.filter {
            type(of: $0.value) == Float?.self || type(of: $0.value) == Double?.self
        }
        #expect(fractional.count == floats.count + doubles.count)
        #expect(VerificationReport.Measurements.CodingKeys.allCases.count == Mirror(reflecting: all).children.count)
    }

    @Test func measurementsRefuseOtherStrings() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(VerificationReport.Measurements.self, from: Data("{\"claimedLoss\":\"NaN\"}".utf8))
        }
    }
}
