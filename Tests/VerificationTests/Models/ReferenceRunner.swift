import Foundation
import TestSupport
import Testing
@testable import Verification

/// Runs tools/reference_models.py (numpy float32) on a checkpoint and a batch.
enum ReferenceRunner {
    struct Result {
        var loss: Double
        var gradient: [Float]
    }

    /// Writes the checkpoint and batch to a temporary folder, runs the reference, and returns
    /// its loss and its gradient laid out in `layout`.
    static func run(arch: String, config: String, layout: ParameterLayout, parameters: [Float],
                    batch: [SafeTensorsWriter.Tensor]) throws -> Result {
        let dir = try Scratch.directory("ref")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ckpt, batchPath, out) = (dir.appendingPathComponent("ckpt.safetensors").path,
                                      dir.appendingPathComponent("batch.safetensors").path,
                                      dir.appendingPathComponent("out.safetensors").path)
        try SafeTensorsWriter.write(layout.tensors(from: parameters), metadata: ["arch": arch, "config": config], to: ckpt)
        try SafeTensorsWriter.write(batch, to: batchPath)
        _ = try Python.output("reference_models.py", [ckpt, batchPath, out])
        let file = try SafeTensorsFile(path: out)
        guard let loss = file.metadata["loss"].flatMap(Double.init) else { throw ReferenceError.noLoss }
        return Result(loss: loss, gradient: try layout.load(file))
    }

    /// Runs the reference's seeded initialiser and returns its parameters laid out in `layout`.
    static func runInit(arch: String, config: String, seed: UInt64, layout: ParameterLayout) throws -> [Float] {
        let dir = try Scratch.directory("init")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("init.safetensors").path
        _ = try Python.output("reference_models.py", ["init", arch, config, String(seed), out])
        return try layout.load(SafeTensorsFile(path: out))
    }

    static func int32Tensor(_ name: String, shape: [Int], _ values: [Int32]) -> SafeTensorsWriter.Tensor {
        SafeTensorsWriter.Tensor(name: name, dtype: .i32, shape: shape, bytes: values.withUnsafeBytes { [UInt8]($0) })
    }

    enum ReferenceError: Error {
        case noLoss
    }
}

/// Largest |a - b| relative to the largest |b|.
func gradientError(_ got: [Float], _ want: [Float]) -> Float {
    let maxRef = want.map(abs).max() ?? 0
    let maxDiff = zip(got, want).map { abs($0 - $1) }.max() ?? 0
    return maxDiff / max(maxRef, .leastNormalMagnitude)
}

/// `reference`, quantized and committed as a miner would commit it, passes the verifier's
/// comparison against `gradient` on every leaf (noise floor and tolerances of the default policy).
func expectCommittedGradientPasses(_ reference: [Float], against gradient: [Float]) throws {
    let committed = try QuantizedGradient(quantizing: reference)
    let recomputed = try QuantizedGradient(quantizing: gradient)
    let floor = VerificationPolicy().noiseFloor * (recomputed.scales.max() ?? 0)
    for i in 0..<committed.leafCount {
        let range = QuantizedGradient.leafRange(i, parameters: gradient.count)
        let blocks = (range.lowerBound / QuantizedGradient.blockSize)..<QuantizedGradient.blockCount(parameters: range.upperBound)
        let leaf = try GradientLeaf(bytes: committed.leafBytes(i), parameterCount: range.count)
        let comparison = GradientComparison(committed: leaf, recomputed: gradient[range], recomputedScales: recomputed.scales[blocks], floor: floor)
        #expect(comparison.passes(VerificationPolicy()), "leaf \(i): \(comparison)")
    }
}
