internal import Foundation

/// Scratch Float buffers for one forward/backward pass, freed together when the arena goes away.
///
/// Models carve their activations and activation gradients from an arena (llm.c keeps them
/// as slices of one allocation); buffers start zeroed.
final class FloatArena {
    private var blocks: [UnsafeMutablePointer<Float>] = []
    /// Floats handed out so far (what the models' activation estimates must match).
    private(set) var allocatedFloats = 0

    /// A new zeroed buffer of `count` floats, valid while the arena lives.
    func make(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        blocks.append(p)
        allocatedFloats += count
        return p
    }

    deinit {
        for p in blocks { p.deallocate() }
    }
}

/// Fills `buffer` with the deterministic initialisation draws used by the models.
///
/// Both models walk their tensors in canonical order with ONE `SplitMix64(seed:)` stream,
/// row-major within a tensor; a tensor that is constant (zeros or ones) draws nothing.
enum Initializer {
    /// Uniform in [-bound, bound): `Float((2u - 1) * bound)` with `u = nextUnit()`.
    static func uniform(_ buffer: inout [Float], _ slot: ParameterLayout.Slot, bound: Double, _ rng: inout SplitMix64) {
        for i in slot.offset..<slot.offset + slot.count {
            buffer[i] = Float((2 * rng.nextUnit() - 1) * bound)
        }
    }

    /// Normal with standard deviation `std` by Box–Muller, two draws per value:
    /// `Float(std * sqrt(-2 ln(1 - u1)) * cos(2π u2))`, computed in Double.
    static func normal(_ buffer: inout [Float], _ slot: ParameterLayout.Slot, std: Double, _ rng: inout SplitMix64) {
        for i in slot.offset..<slot.offset + slot.count {
            let u1 = rng.nextUnit(), u2 = rng.nextUnit()
            buffer[i] = Float(std * (-2 * log(1 - u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
    }

    /// GPT-2's scheme over a decoder's layout, in canonical tensor order from one
    /// `SplitMix64(seed:)` stream: layer-norm tensors (names containing "ln_") weight 1 and
    /// bias 0, the residual projections (`isResidual`) N(0, 0.02 / sqrt(2 max(L, 1))), every
    /// other weight (`isWeight`) N(0, 0.02), everything else 0; only normals draw.
    static func gpt2Scheme(_ layout: ParameterLayout, layers: Int, seed: UInt64,
                           isResidual: (String) -> Bool, isWeight: (String) -> Bool) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var buffer = [Float](repeating: 0, count: layout.count)
        let residualStd = 0.02 / (2 * Double(max(layers, 1))).squareRoot()
        for slot in layout.slots {
            if slot.name.contains("ln_") {
                if slot.name.hasSuffix(".weight") { fill(&buffer, slot, 1) }
            } else if isResidual(slot.name) {
                normal(&buffer, slot, std: residualStd, &rng)
            } else if isWeight(slot.name) {
                normal(&buffer, slot, std: 0.02, &rng)
            }
        }
        return buffer
    }

    static func fill(_ buffer: inout [Float], _ slot: ParameterLayout.Slot, _ value: Float) {
        buffer.replaceSubrange(slot.offset..<slot.offset + slot.count, with: repeatElement(value, count: slot.count))
    }
}
