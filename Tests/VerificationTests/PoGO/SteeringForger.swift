import Foundation
@testable import Verification

/// Forgers that steer training along a direction of their choice while staying inside the
/// gradient check's tolerances (issue 12, part 4), and the measure of how far they move the
/// update; the same forgers as tools/gradient_noise.py.
///
/// Each forger starts from the honest fp32 gradient (the one the verifier recomputes, bit for
/// bit, since the Swift miner and verifier share the kernels) and returns the quantized
/// gradient to commit; the miner then applies it, so every root is consistent.
enum SteeringForger {
    /// A Gaussian direction d ~ N(0, I) over `count` parameters (Box-Muller on SplitMix64).
    static func direction(count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let u1 = rng.nextUnit(), u2 = rng.nextUnit()
            return (-2 * log(1 - u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    /// The attack of issue 12, part 4: in each leaf, `fraction` of the compared codes (those with
    /// the largest |d|, wherever they lie relative to a rounding boundary) moved one step along
    /// sign(d), clamped to +-7, and every compared block's scale multiplied by `scaleFactor`.
    static func movedAnywhere(_ honest: [Float], direction d: [Double], fraction: Double = 0.02,
                              scaleFactor: Float = 1.0099, noiseFloor: Float = VerificationPolicy().noiseFloor) throws -> QuantizedGradient {
        let q = try QuantizedGradient(quantizing: honest)
        let floor = noiseFloor * (q.scales.max() ?? 0)
        var codes = (0..<q.parameterCount).map(q.code(at:))
        for leaf in 0..<q.leafCount {
            let compared = QuantizedGradient.leafRange(leaf, parameters: q.parameterCount)
                .filter { q.scales[$0 / QuantizedGradient.blockSize] > floor }
            let count = Int((fraction * Double(compared.count)).rounded(.down))
            for j in compared.sorted(by: { abs(d[$0]) > abs(d[$1]) }).prefix(count) {
                codes[j] = min(max(codes[j] + (d[j] < 0 ? -1 : 1), -QuantizedGradient.maxCode), QuantizedGradient.maxCode)
            }
        }
        let scales = q.scales.map { $0 > floor ? $0 * scaleFactor : $0 }
        return try QuantizedGradient(parameterCount: q.parameterCount, scales: scales, packedCodes: pack(codes))
    }

    /// The best forger under `policy` that the tests know: each compared block's scale moved by
    /// 0.99 of the tolerance (up or down, whichever pushes the block along d), every code
    /// re-rounded against that committed scale as the verifier does, then in each leaf up to
    /// the mismatch cap of codes flipped one step along sign(d), only codes whose value lies
    /// within `maxBoundaryDistance` of that boundary, largest |d| first.
    static func nearBoundaries(_ honest: [Float], direction d: [Double], policy: VerificationPolicy) throws -> QuantizedGradient {
        let q = try QuantizedGradient(quantizing: honest)
        let floor = policy.noiseFloor * (q.scales.max() ?? 0)
        let size = QuantizedGradient.blockSize, limit = QuantizedGradient.maxCode
        var scales = q.scales
        var codes = (0..<q.parameterCount).map(q.code(at:))
        var eligible = [Bool](repeating: false, count: q.parameterCount)
        for b in 0..<q.blockCount where q.scales[b] > floor {
            let block = (b * size)..<min(b * size + size, q.parameterCount)
            let toward = block.reduce(0.0) { $0 + Double(honest[$1]) * d[$1] }
            scales[b] = q.scales[b] * (1 + 0.99 * policy.scaleRelativeTolerance * (toward < 0 ? -1 : 1))
            for j in block {
                let x = honest[j] / scales[b]
                let r = Int(min(max(x.rounded(.toNearestOrEven), -Float(limit)), Float(limit)))
                let target = r + (d[j] < 0 ? -1 : 1)
                codes[j] = r
                // A hair inside the bound, so that the verifier's own comparison cannot differ.
                eligible[j] = abs(target) <= limit
                    && abs(Double(x) - Double(r + target) / 2) <= policy.maxBoundaryDistance * (1 - 1e-6)
            }
        }
        for leaf in 0..<q.leafCount {
            let range = QuantizedGradient.leafRange(leaf, parameters: q.parameterCount)
            let compared = range.filter { q.scales[$0 / size] > floor }.count
            let count = Int((policy.maxCodeMismatchFraction * Double(compared)).rounded(.down))
            for j in range.filter({ eligible[$0] }).sorted(by: { abs(d[$0]) > abs(d[$1]) }).prefix(count) {
                codes[j] += d[j] < 0 ? -1 : 1
            }
        }
        return try QuantizedGradient(parameterCount: q.parameterCount, scales: scales, packedCodes: pack(codes))
    }

    /// How far a forged update is from the honest one, relative to the honest update's norm.
    struct Drift {
        /// |forged - honest| / |honest|.
        var drift: Double
        /// <forged - honest, d> / (|d| |honest|): the part along the forger's direction.
        var projection: Double
        /// |forged - g| / |honest - g| for the unquantized gradient g: 1 when the forged update
        /// is as close to the true gradient as the honest quantization.
        var errorRatio: Double
    }

    /// The drift of `forged` from quantize(`honest`), per step (the learning rate cancels).
    static func drift(_ forged: QuantizedGradient, honest: [Float], direction d: [Double]) throws -> Drift {
        let h = try QuantizedGradient(quantizing: honest).dequantized(), f = forged.dequantized()
        var delta2 = 0.0, along = 0.0, h2 = 0.0, d2 = 0.0, forgedError2 = 0.0, honestError2 = 0.0
        for j in 0..<honest.count {
            let delta = Double(f[j]) - Double(h[j])
            delta2 += delta * delta
            along += delta * d[j]
            h2 += Double(h[j]) * Double(h[j])
            d2 += d[j] * d[j]
            forgedError2 += (Double(f[j]) - Double(honest[j])) * (Double(f[j]) - Double(honest[j]))
            honestError2 += (Double(h[j]) - Double(honest[j])) * (Double(h[j]) - Double(honest[j]))
        }
        return Drift(drift: (delta2 / h2).squareRoot(), projection: along / (d2 * h2).squareRoot(),
                     errorRatio: (forgedError2 / honestError2).squareRoot())
    }

    /// Codes in -7...7 packed as two's-complement nibbles, low nibble first.
    static func pack(_ codes: [Int]) -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: QuantizedGradient.packedByteCount(parameters: codes.count))
        for (j, code) in codes.enumerated() {
            packed[j >> 1] |= (UInt8(bitPattern: Int8(code)) & 0x0F) << UInt8((j & 1) * 4)
        }
        return packed
    }
}
