// The forward and backward passes of the two GPT-2-shaped decoders ("gpt" and "gpt2"), llm.c
// style. Shape letters: B batch, T tokens, C channels, I MLP inner width, NH heads,
// V vocabulary, L layers. Activations live in a FloatArena.

/// What differs between the decoders: sizes, where each tensor sits in the parameter buffer,
/// how linear weights are stored, which GELU the MLP uses.
struct DecoderSpec {
    /// Where one block's twelve tensors start in the parameter (or gradient) buffer.
    struct BlockOffsets {
        let ln1w, ln1b, qkvw, qkvb, projw, projb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: Int
    }

    let C, NH, I, V: Int
    let eps: Float
    /// Linear weights stored (C, OC) with y = x · W + b (Hugging Face's Conv1D) instead of
    /// PyTorch's Linear layout (OC, C) with y = x · Wᵀ + b.
    let conv1D: Bool
    /// GELU in its tanh form (`geluTanhForward`) instead of the exact erf form.
    let tanhGELU: Bool
    let wte, wpe, lnfw, lnfb: Int
    let blocks: [BlockOffsets]

    var L: Int { blocks.count }
}

/// One block's saved activations (all (B,T,·) row-major).
private struct BlockActivations {
    let ln1, ln1Mean, ln1Rstd: UnsafeMutablePointer<Float>  // (B,T,C), (B,T), (B,T)
    let qkv: UnsafeMutablePointer<Float>                    // (B,T,3C)
    let atty: UnsafeMutablePointer<Float>                   // (B,T,C) attention output before proj
    let att: UnsafeMutablePointer<Float>                    // (B,NH,T,T)
    let residual2: UnsafeMutablePointer<Float>              // (B,T,C) x after the attention residual
    let ln2, ln2Mean, ln2Rstd: UnsafeMutablePointer<Float>  // (B,T,C), (B,T), (B,T)
    let fch, fchGelu: UnsafeMutablePointer<Float>           // (B,T,I)
    let residual3: UnsafeMutablePointer<Float>              // (B,T,C) block output

    init(_ arena: FloatArena, B: Int, T: Int, C: Int, I: Int, NH: Int) {
        let BT = B * T
        (ln1, ln1Mean, ln1Rstd) = (arena.make(BT * C), arena.make(BT), arena.make(BT))
        (qkv, atty, att) = (arena.make(BT * 3 * C), arena.make(BT * C), arena.make(B * NH * T * T))
        residual2 = arena.make(BT * C)
        (ln2, ln2Mean, ln2Rstd) = (arena.make(BT * C), arena.make(BT), arena.make(BT))
        (fch, fchGelu, residual3) = (arena.make(BT * I), arena.make(BT * I), arena.make(BT * C))
    }
}

/// Pointers to one block's tensors inside a parameter (or gradient) buffer.
private struct BlockWeights {
    let ln1w, ln1b, qkvw, qkvb, projw, projb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: UnsafeMutablePointer<Float>

    init(_ base: UnsafeMutablePointer<Float>, _ o: DecoderSpec.BlockOffsets) {
        (ln1w, ln1b, qkvw, qkvb) = (base + o.ln1w, base + o.ln1b, base + o.qkvw, base + o.qkvb)
        (projw, projb, ln2w, ln2b) = (base + o.projw, base + o.projb, base + o.ln2w, base + o.ln2b)
        (fcw, fcb, fcprojw, fcprojb) = (base + o.fcw, base + o.fcb, base + o.fcprojw, base + o.fcprojb)
    }
}

extension DecoderSpec {
    /// The mean loss of `parameters` on `batch`; with `backward`, its gradient is written into
    /// `gradient` (resized to `count`). The passes read the caller's parameters in place and
    /// write the gradient in place: no parameter-sized copy is made. Requires a validated batch
    /// of B rows.
    func run(_ parameters: [Float], _ batch: TextBatch, B: Int, count: Int, gradient: inout [Float], backward: Bool,
             arena: FloatArena = FloatArena()) -> Float {
        if backward {
            // Zeroed in place when the caller passes the previous pass's buffer back (chunked
            // passes): no new parameter-sized allocation to fault in.
            if gradient.count == count {
                gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            } else {
                gradient = [Float](repeating: 0, count: count)
            }
        }
        return parameters.withUnsafeBufferPointer { pp in
            gradient.withUnsafeMutableBufferPointer { gp in
                // Parameters are only read; the mutable pointer type lets one block-pointer helper
                // serve parameters and gradients alike.
                passes(params: UnsafeMutablePointer(mutating: pp.baseAddress!), grads: backward ? gp.baseAddress : nil,
                       batch, B: B, arena: arena)
            }
        }
    }

    private func linear(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                        _ b: UnsafePointer<Float>?, N: Int, C: Int, OC: Int) {
        if conv1D {
            matmulForward(out: out, inp: inp, weightT: w, bias: b, N: N, C: C, OC: OC)
        } else {
            matmulForward(out: out, inp: inp, weight: w, bias: b, N: N, C: C, OC: OC)
        }
    }

    private func linearBackward(_ dinp: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>,
                                _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                N: Int, C: Int, OC: Int) {
        if conv1D {
            matmulBackward(dinp: dinp, dweightT: dw, dbias: db, dout: dout, inp: inp, weightT: w, N: N, C: C, OC: OC)
        } else {
            matmulBackward(dinp: dinp, dweight: dw, dbias: db, dout: dout, inp: inp, weight: w, N: N, C: C, OC: OC)
        }
    }

    private func gelu(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) {
        if tanhGELU { geluTanhForward(out: out, inp: inp, count: count) } else { geluForward(out: out, inp: inp, count: count) }
    }

    private func geluGradient(_ dinp: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ dout: UnsafePointer<Float>, count: Int) {
        if tanhGELU {
            geluTanhBackward(dinp: dinp, inp: inp, dout: dout, count: count)
        } else {
            geluBackward(dinp: dinp, inp: inp, dout: dout, count: count)
        }
    }

    /// The forward pass, and the backward pass when `grads` (zeroed, one float per parameter) is
    /// given; activations come from `arena`.
    private func passes(params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>?, _ batch: TextBatch, B: Int,
                        arena: FloatArena) -> Float {
        let T = batch.T
        let BT = B * T
        let backward = grads != nil
        let wte = params + self.wte, wpe = params + self.wpe
        let lnfw = params + self.lnfw, lnfb = params + self.lnfb

        let encoded = arena.make(BT * C)
        // The backward pass needs every block's activations; a forward-only pass (an
        // evaluation loss) needs only the previous block's output, so two sets alternate and
        // the arena faults in less than half the memory.
        let blocks = (0..<(backward ? L : min(L, 2))).map { _ in BlockActivations(arena, B: B, T: T, C: C, I: I, NH: NH) }
        let lnf = arena.make(BT * C), lnfMean = arena.make(BT), lnfRstd = arena.make(BT)
        let losses = arena.make(BT), attproj = arena.make(BT * C), fcproj = arena.make(BT * C)

        batch.inputs.withUnsafeBufferPointer {
            encoderForward(out: encoded, tokens: $0.baseAddress!, wte: wte, wpe: wpe, B: B, T: T, C: C, V: V)
        }
        var x = encoded
        for l in 0..<L {
            let a = blocks[l % blocks.count], w = BlockWeights(params, self.blocks[l])
            layerNormForward(out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: x, weight: w.ln1w, bias: w.ln1b, N: BT, C: C, eps: eps)
            linear(a.qkv, a.ln1, w.qkvw, w.qkvb, N: BT, C: C, OC: 3 * C)
            attentionForward(out: a.atty, att: a.att, inp: a.qkv, B: B, T: T, C: C, NH: NH)
            linear(attproj, a.atty, w.projw, w.projb, N: BT, C: C, OC: C)
            residualForward(out: a.residual2, a: x, b: attproj, count: BT * C)
            layerNormForward(out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, inp: a.residual2, weight: w.ln2w, bias: w.ln2b, N: BT, C: C, eps: eps)
            linear(a.fch, a.ln2, w.fcw, w.fcb, N: BT, C: C, OC: I)
            gelu(a.fchGelu, a.fch, count: BT * I)
            linear(fcproj, a.fchGelu, w.fcprojw, w.fcprojb, N: BT, C: I, OC: C)
            residualForward(out: a.residual3, a: a.residual2, b: fcproj, count: BT * C)
            x = a.residual3
        }
        layerNormForward(out: lnf, mean: lnfMean, rstd: lnfRstd, inp: x, weight: lnfw, bias: lnfb, N: BT, C: C, eps: eps)
        let logits = arena.make(BT * V)
        // The head is tied to wte (V, C) in both decoders: logits = ln_f(x) · wteᵀ. The softmax
        // replaces the logits in their buffer, and the backward pass turns it into their
        // gradient: one (B·T, V) buffer, 206 MB per example for GPT-2's vocabulary at 1,024 tokens.
        matmulForward(out: logits, inp: lnf, weight: wte, bias: nil, N: BT, C: C, OC: V)
        let probs = logits
        let mean = batch.targets.withUnsafeBufferPointer {
            crossEntropyForward(losses: losses, probs: probs, logits: logits, targets: $0.baseAddress!, N: BT, V: V)
        }
        guard let grads else { return mean }
        let dwte = grads + self.wte, dwpe = grads + self.wpe
        let dlogits = probs
        batch.targets.withUnsafeBufferPointer {
            crossEntropyBackwardInPlace(probs: dlogits, targets: $0.baseAddress!, N: BT, V: V, dloss: 1 / Float(BT))
        }
        let dlnf = arena.make(BT * C)
        matmulBackward(dinp: dlnf, dweight: dwte, dbias: nil, dout: dlogits, inp: lnf, weight: wte, N: BT, C: C, OC: V)
        // dx: gradient of the residual stream at the current block's output; dres2 at its middle.
        let dx = arena.make(BT * C), dres2 = arena.make(BT * C)
        let dln = arena.make(BT * C), datty = arena.make(BT * C), dqkv = arena.make(BT * 3 * C)
        let dfch = arena.make(BT * I), dfchGelu = arena.make(BT * I), scratch = arena.make(T * T)
        layerNormBackward(dinp: dx, dweight: grads + self.lnfw, dbias: grads + self.lnfb,
                          dout: dlnf, inp: x, weight: lnfw, mean: lnfMean, rstd: lnfRstd, N: BT, C: C)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let a = blocks[l], w = BlockWeights(params, self.blocks[l]), g = BlockWeights(grads, self.blocks[l])
            let residual = l == 0 ? encoded : blocks[l - 1].residual3
            // MLP half: residual3 = residual2 + proj(gelu(fc(ln_2(residual2)))).
            dres2.update(from: dx, count: BT * C)
            dfchGelu.update(repeating: 0, count: BT * I)
            linearBackward(dfchGelu, g.fcprojw, g.fcprojb, dx, a.fchGelu, w.fcprojw, N: BT, C: I, OC: C)
            dfch.update(repeating: 0, count: BT * I)
            geluGradient(dfch, a.fch, dfchGelu, count: BT * I)
            dln.update(repeating: 0, count: BT * C)
            linearBackward(dln, g.fcw, g.fcb, dfch, a.ln2, w.fcw, N: BT, C: C, OC: I)
            layerNormBackward(dinp: dres2, dweight: g.ln2w, dbias: g.ln2b, dout: dln, inp: a.residual2, weight: w.ln2w,
                              mean: a.ln2Mean, rstd: a.ln2Rstd, N: BT, C: C)
            // Attention half: residual2 = residual + proj(attn(qkv(ln_1(residual)))).
            dx.update(from: dres2, count: BT * C)
            datty.update(repeating: 0, count: BT * C)
            linearBackward(datty, g.projw, g.projb, dres2, a.atty, w.projw, N: BT, C: C, OC: C)
            dqkv.update(repeating: 0, count: BT * 3 * C)
            attentionBackward(dinp: dqkv, scratch: scratch, dout: datty, inp: a.qkv, att: a.att, B: B, T: T, C: C, NH: NH)
            dln.update(repeating: 0, count: BT * C)
            linearBackward(dln, g.qkvw, g.qkvb, dqkv, a.ln1, w.qkvw, N: BT, C: C, OC: 3 * C)
            layerNormBackward(dinp: dx, dweight: g.ln1w, dbias: g.ln1b, dout: dln, inp: residual, weight: w.ln1w,
                              mean: a.ln1Mean, rstd: a.ln1Rstd, N: BT, C: C)
        }
        batch.inputs.withUnsafeBufferPointer {
            encoderBackward(dwte: dwte, dwpe: dwpe, dout: dx, tokens: $0.baseAddress!, B: B, T: T, C: C)
        }
        return mean
    }

    /// Floats `passes` allocates for each example of `T` tokens: the saved activations of every
    /// block (two alternating blocks when forward only), the head's, and with `backward` the
    /// activation gradients. The (T, T) attention scratch of the backward pass is per pass, not
    /// per example, and is left out.
    func activationFloats(T: Int, backward: Bool) -> Int {
        let perBlock = 8 * T * C + 2 * T * I + 4 * T + NH * T * T
        let head = T * C + (T * C + 2 * T) + T + 2 * T * C + T * V  // encoded, ln_f, losses, projections, logits (and probs)
        return (backward ? L : min(L, 2)) * perBlock + head + (backward ? 8 * T * C + 2 * T * I : 0)
    }
}
