// The forward and backward passes of the GPT, llm.c style. Shape letters: B batch, T tokens,
// C channels, NH heads, V vocabulary, L layers. Activations live in a FloatArena.

/// One block's saved activations (all (B,T,·) row-major).
private struct BlockActivations {
    let ln1, ln1Mean, ln1Rstd: UnsafeMutablePointer<Float>  // (B,T,C), (B,T), (B,T)
    let qkv: UnsafeMutablePointer<Float>                    // (B,T,3C)
    let atty: UnsafeMutablePointer<Float>                   // (B,T,C) attention output before proj
    let att: UnsafeMutablePointer<Float>                    // (B,NH,T,T)
    let residual2: UnsafeMutablePointer<Float>              // (B,T,C) x after the attention residual
    let ln2, ln2Mean, ln2Rstd: UnsafeMutablePointer<Float>  // (B,T,C), (B,T), (B,T)
    let fch, fchGelu: UnsafeMutablePointer<Float>           // (B,T,4C)
    let residual3: UnsafeMutablePointer<Float>              // (B,T,C) block output

    init(_ arena: FloatArena, B: Int, T: Int, C: Int, NH: Int) {
        let BT = B * T
        (ln1, ln1Mean, ln1Rstd) = (arena.make(BT * C), arena.make(BT), arena.make(BT))
        (qkv, atty, att) = (arena.make(BT * 3 * C), arena.make(BT * C), arena.make(B * NH * T * T))
        residual2 = arena.make(BT * C)
        (ln2, ln2Mean, ln2Rstd) = (arena.make(BT * C), arena.make(BT), arena.make(BT))
        (fch, fchGelu, residual3) = (arena.make(BT * 4 * C), arena.make(BT * 4 * C), arena.make(BT * C))
    }
}

/// Pointers to one block's tensors inside a parameter (or gradient) buffer.
private struct BlockWeights {
    let ln1w, ln1b, qkvw, qkvb, projw, projb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: UnsafeMutablePointer<Float>

    init(_ base: UnsafeMutablePointer<Float>, _ layout: ParameterLayout, layer i: Int) {
        let at = { (suffix: String) in base + layout.offset("h.\(i).\(suffix)") }
        (ln1w, ln1b, qkvw, qkvb) = (at("ln_1.weight"), at("ln_1.bias"), at("attn.qkv.weight"), at("attn.qkv.bias"))
        (projw, projb, ln2w, ln2b) = (at("attn.proj.weight"), at("attn.proj.bias"), at("ln_2.weight"), at("ln_2.bias"))
        (fcw, fcb, fcprojw, fcprojb) = (at("mlp.fc.weight"), at("mlp.fc.bias"), at("mlp.proj.weight"), at("mlp.proj.bias"))
    }
}

extension GPT {
    /// The mean loss of `parameters` on `batch`; with `backward`, its gradient is written into
    /// `gradient` (resized to the parameter count). The passes read the caller's parameters in
    /// place and write the gradient in place: no parameter-sized copy is made.
    func run(_ parameters: [Float], _ batch: TextBatch, gradient: inout [Float], backward: Bool,
             arena: FloatArena = FloatArena()) throws -> Float {
        let B = try validate(parameters, batch)
        if backward { gradient = [Float](repeating: 0, count: layout.count) }
        return parameters.withUnsafeBufferPointer { pp in
            gradient.withUnsafeMutableBufferPointer { gp in
                // Parameters are only read; the mutable pointer type lets one block-pointer helper
                // serve parameters and gradients alike.
                passes(params: UnsafeMutablePointer(mutating: pp.baseAddress!), grads: backward ? gp.baseAddress : nil,
                       batch, B: B, arena: arena)
            }
        }
    }

    /// The forward pass, and the backward pass when `grads` (zeroed, one float per parameter) is
    /// given; activations come from `arena`.
    private func passes(params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>?, _ batch: TextBatch, B: Int,
                        arena: FloatArena) -> Float {
        let (T, C, NH, L, V) = (batch.T, config.channels, config.heads, config.layers, GPT.vocabulary)
        let BT = B * T
        let eps = GPT.layerNormEpsilon
        let backward = grads != nil
        let wte = params + layout.offset("wte"), wpe = params + layout.offset("wpe")
        let lnfw = params + layout.offset("ln_f.weight"), lnfb = params + layout.offset("ln_f.bias")

        let encoded = arena.make(BT * C)
        // The backward pass needs every block's activations; a forward-only pass (an
        // evaluation loss) needs only the previous block's output, so two sets alternate and
        // the arena faults in less than half the memory.
        let blocks = (0..<(backward ? L : min(L, 2))).map { _ in BlockActivations(arena, B: B, T: T, C: C, NH: NH) }
        let lnf = arena.make(BT * C), lnfMean = arena.make(BT), lnfRstd = arena.make(BT)
        let probs = arena.make(BT * V), losses = arena.make(BT), attproj = arena.make(BT * C), fcproj = arena.make(BT * C)

        batch.inputs.withUnsafeBufferPointer {
            encoderForward(out: encoded, tokens: $0.baseAddress!, wte: wte, wpe: wpe, B: B, T: T, C: C, V: V)
        }
        var x = encoded
        for l in 0..<L {
            let a = blocks[l % blocks.count], w = BlockWeights(params, layout, layer: l)
            layerNormForward(out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: x, weight: w.ln1w, bias: w.ln1b, N: BT, C: C, eps: eps)
            matmulForward(out: a.qkv, inp: a.ln1, weight: w.qkvw, bias: w.qkvb, N: BT, C: C, OC: 3 * C)
            attentionForward(out: a.atty, att: a.att, inp: a.qkv, B: B, T: T, C: C, NH: NH)
            matmulForward(out: attproj, inp: a.atty, weight: w.projw, bias: w.projb, N: BT, C: C, OC: C)
            residualForward(out: a.residual2, a: x, b: attproj, count: BT * C)
            layerNormForward(out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, inp: a.residual2, weight: w.ln2w, bias: w.ln2b, N: BT, C: C, eps: eps)
            matmulForward(out: a.fch, inp: a.ln2, weight: w.fcw, bias: w.fcb, N: BT, C: C, OC: 4 * C)
            geluForward(out: a.fchGelu, inp: a.fch, count: BT * 4 * C)
            matmulForward(out: fcproj, inp: a.fchGelu, weight: w.fcprojw, bias: w.fcprojb, N: BT, C: 4 * C, OC: C)
            residualForward(out: a.residual3, a: a.residual2, b: fcproj, count: BT * C)
            x = a.residual3
        }
        layerNormForward(out: lnf, mean: lnfMean, rstd: lnfRstd, inp: x, weight: lnfw, bias: lnfb, N: BT, C: C, eps: eps)
        let logits = arena.make(BT * V)
        matmulForward(out: logits, inp: lnf, weight: wte, bias: nil, N: BT, C: C, OC: V)
        let mean = batch.targets.withUnsafeBufferPointer {
            crossEntropyForward(losses: losses, probs: probs, logits: logits, targets: $0.baseAddress!, N: BT, V: V)
        }
        guard let grads else { return mean }
        let dwte = grads + layout.offset("wte"), dwpe = grads + layout.offset("wpe")
        // The logits are not needed any more, so their buffer holds their gradient.
        let dlogits = logits
        dlogits.update(repeating: 0, count: BT * V)
        batch.targets.withUnsafeBufferPointer {
            crossEntropyBackward(dlogits: dlogits, probs: probs, targets: $0.baseAddress!, N: BT, V: V, dloss: 1 / Float(BT))
        }
        let dlnf = arena.make(BT * C)
        matmulBackward(dinp: dlnf, dweight: dwte, dbias: nil, dout: dlogits, inp: lnf, weight: wte, N: BT, C: C, OC: V)
        // dx: gradient of the residual stream at the current block's output; dres2 at its middle.
        let dx = arena.make(BT * C), dres2 = arena.make(BT * C)
        let dln = arena.make(BT * C), datty = arena.make(BT * C), dqkv = arena.make(BT * 3 * C)
        let dfch = arena.make(BT * 4 * C), dfchGelu = arena.make(BT * 4 * C), scratch = arena.make(T * T)
        layerNormBackward(dinp: dx, dweight: grads + layout.offset("ln_f.weight"), dbias: grads + layout.offset("ln_f.bias"),
                          dout: dlnf, inp: x, weight: lnfw, mean: lnfMean, rstd: lnfRstd, N: BT, C: C)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let a = blocks[l], w = BlockWeights(params, layout, layer: l), g = BlockWeights(grads, layout, layer: l)
            let residual = l == 0 ? encoded : blocks[l - 1].residual3
            // MLP half: residual3 = residual2 + proj(gelu(fc(ln_2(residual2)))).
            dres2.update(from: dx, count: BT * C)
            dfchGelu.update(repeating: 0, count: BT * 4 * C)
            matmulBackward(dinp: dfchGelu, dweight: g.fcprojw, dbias: g.fcprojb, dout: dx, inp: a.fchGelu, weight: w.fcprojw, N: BT, C: 4 * C, OC: C)
            dfch.update(repeating: 0, count: BT * 4 * C)
            geluBackward(dinp: dfch, inp: a.fch, dout: dfchGelu, count: BT * 4 * C)
            dln.update(repeating: 0, count: BT * C)
            matmulBackward(dinp: dln, dweight: g.fcw, dbias: g.fcb, dout: dfch, inp: a.ln2, weight: w.fcw, N: BT, C: C, OC: 4 * C)
            layerNormBackward(dinp: dres2, dweight: g.ln2w, dbias: g.ln2b, dout: dln, inp: a.residual2, weight: w.ln2w,
                              mean: a.ln2Mean, rstd: a.ln2Rstd, N: BT, C: C)
            // Attention half: residual2 = residual + proj(attn(qkv(ln_1(residual)))).
            dx.update(from: dres2, count: BT * C)
            datty.update(repeating: 0, count: BT * C)
            matmulBackward(dinp: datty, dweight: g.projw, dbias: g.projb, dout: dres2, inp: a.atty, weight: w.projw, N: BT, C: C, OC: C)
            dqkv.update(repeating: 0, count: BT * 3 * C)
            attentionBackward(dinp: dqkv, scratch: scratch, dout: datty, inp: a.qkv, att: a.att, B: B, T: T, C: C, NH: NH)
            dln.update(repeating: 0, count: BT * C)
            matmulBackward(dinp: dln, dweight: g.qkvw, dbias: g.qkvb, dout: dqkv, inp: a.ln1, weight: w.qkvw, N: BT, C: C, OC: 3 * C)
            layerNormBackward(dinp: dx, dweight: g.ln1w, dbias: g.ln1b, dout: dln, inp: residual, weight: w.ln1w,
                              mean: a.ln1Mean, rstd: a.ln1Rstd, N: BT, C: C)
        }
        batch.inputs.withUnsafeBufferPointer {
            encoderBackward(dwte: dwte, dwpe: dwpe, dout: dx, tokens: $0.baseAddress!, B: B, T: T, C: C)
        }
        return mean
    }
}

extension GPT {
    /// Floats `passes` allocates for each example of `T` tokens: the saved activations of every
    /// block (two alternating blocks when forward only), the head's, and with `backward` the
    /// activation gradients. The (T, T) attention scratch of the backward pass is per pass, not
    /// per example, and is left out.
    func activationFloats(T: Int, backward: Bool) -> Int {
        let (C, NH, L, V) = (config.channels, config.heads, config.layers, GPT.vocabulary)
        let perBlock = 16 * T * C + 4 * T + NH * T * T
        let head = T * C + (T * C + 2 * T) + (T * V + T) + 2 * T * C + T * V  // encoded, ln_f, probs and losses, projections, logits
        return (backward ? L : min(L, 2)) * perBlock + head + (backward ? 16 * T * C : 0)
    }
}

