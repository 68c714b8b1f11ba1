internal import Foundation

/// Scratch Float buffers for forward/backward passes, freed together when the arena goes away.
///
/// Models carve their activations and activation gradients from an arena (llm.c keeps them
/// as slices of one allocation); buffers start zeroed. After `rewind()` the next pass is handed
/// the same blocks again (zeroed) where they are large enough: the chunked passes of one
/// verification step reuse resident pages instead of faulting in fresh ones (a GPT-2 small pass
/// holds 1.5 GB, and its page faults and zeroing by the kernel were a few percent of the step).
final class FloatArena {
    private var blocks: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Blocks handed out since the last rewind.
    private var used = 0
    /// Floats handed out since the last rewind (what the models' activation estimates must match).
    private(set) var allocatedFloats = 0

    /// A zeroed buffer of `count` floats, valid while the arena lives and until the next rewind.
    func make(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 1)
        if used < blocks.count, blocks[used].capacity >= n {
            blocks[used].pointer.update(repeating: 0, count: n)
        } else {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            if used < blocks.count {
                blocks[used].pointer.deallocate()  // too small, and not handed out since the rewind
                blocks[used] = (p, n)
            } else {
                blocks.append((p, n))
            }
        }
        used += 1
        allocatedFloats += count
        return blocks[used - 1].pointer
    }

    /// Takes every buffer back: the pointers handed out before must no longer be used.
    func rewind() {
        used = 0
        allocatedFloats = 0
    }

    deinit {
        for block in blocks { block.pointer.deallocate() }
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
