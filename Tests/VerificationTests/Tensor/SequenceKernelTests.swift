import Testing
import Verification

/// Attention, cross-entropy and embedding kernels against naive twins and finite differences.
struct SequenceKernelTests {
    let B = 2, T = 5, C = 12, NH = 3

    @Test func attentionForwardMatchesNaiveTwinAndIsCausal() {
        var rng = TestRandom(seed: 21)
        let inp = FloatBuffer(rng.floats(B * T * 3 * C, scale: 2))
        let out = FloatBuffer(zeros: B * T * C), att = FloatBuffer(zeros: B * NH * T * T)
        attentionForward(out: out.pointer, att: att.pointer, inp: inp.pointer, B: B, T: T, C: C, NH: NH)
        #expect(relativeError(out.array, Naive.attention(inp.doubles, B: B, T: T, C: C, NH: NH)) < 1e-5)
        let weights = att.array
        for row in 0..<(B * NH * T) {
            let t = row % T
            #expect(weights[row * T + t + 1..<(row + 1) * T].allSatisfy { $0 == 0 })
            #expect(abs(weights[row * T...row * T + t].reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func attentionBackwardMatchesNaiveTwinAndFiniteDifferences() {
        var rng = TestRandom(seed: 22)
        let inp = FloatBuffer(rng.floats(B * T * 3 * C, scale: 2)), dout = FloatBuffer(rng.floats(B * T * C))
        let out = FloatBuffer(zeros: B * T * C), att = FloatBuffer(zeros: B * NH * T * T)
        attentionForward(out: out.pointer, att: att.pointer, inp: inp.pointer, B: B, T: T, C: C, NH: NH)
        let dinp = FloatBuffer(zeros: B * T * 3 * C), scratch = FloatBuffer(zeros: T * T)
        attentionBackward(dinp: dinp.pointer, scratch: scratch.pointer, dout: dout.pointer, inp: inp.pointer,
                          att: att.pointer, B: B, T: T, C: C, NH: NH)
        let want = Naive.attentionBackward(dout.doubles, inp.doubles, B: B, T: T, C: C, NH: NH)
        #expect(relativeError(dinp.array, want) < 1e-5)
        let fd = finiteDifferenceGradient(inp.doubles) { dot(Naive.attention($0, B: B, T: T, C: C, NH: NH), dout.doubles) }
        #expect(relativeError(want, fd) < 1e-7)
    }

    @Test func crossEntropyMatchesNaiveTwinAndFiniteDifferences() {
        var rng = TestRandom(seed: 23)
        let (N, V) = (6, 11)
        let logits = FloatBuffer(rng.floats(N * V, scale: 5)), targets = rng.ints(N, below: V)
        let losses = FloatBuffer(zeros: N), probs = FloatBuffer(zeros: N * V)
        let mean = targets.withUnsafeBufferPointer {
            crossEntropyForward(losses: losses.pointer, probs: probs.pointer, logits: logits.pointer,
                                targets: $0.baseAddress!, N: N, V: V)
        }
        let want = Naive.crossEntropy(logits.doubles, targets, N: N, V: V)
        #expect(relativeError(losses.array, want) < 1e-6)
        #expect(abs(Double(mean) - want.reduce(0, +) / Double(N)) < 1e-6)

        let dlogits = FloatBuffer(zeros: N * V)
        targets.withUnsafeBufferPointer {
            crossEntropyBackward(dlogits: dlogits.pointer, probs: probs.pointer, targets: $0.baseAddress!,
                                 N: N, V: V, dloss: 1 / Float(N))
        }
        let fd = finiteDifferenceGradient(logits.doubles) {
            Naive.crossEntropy($0, targets, N: N, V: V).reduce(0, +) / Double(N)
        }
        #expect(relativeError(dlogits.array, fd) < 1e-6)
    }

    @Test func crossEntropyInTheLogitsBufferGivesTheSameBits() {
        var rng = TestRandom(seed: 25)
        let (N, V) = (5, 13)
        let values = rng.floats(N * V, scale: 4), targets = rng.ints(N, below: V)
        let logits = FloatBuffer(values), probs = FloatBuffer(zeros: N * V), losses = FloatBuffer(zeros: N)
        let shared = FloatBuffer(values), sharedLosses = FloatBuffer(zeros: N)
        let dlogits = FloatBuffer(zeros: N * V)
        targets.withUnsafeBufferPointer { t in
            let a = crossEntropyForward(losses: losses.pointer, probs: probs.pointer, logits: logits.pointer, targets: t.baseAddress!, N: N, V: V)
            let b = crossEntropyForward(losses: sharedLosses.pointer, probs: shared.pointer, logits: shared.pointer, targets: t.baseAddress!, N: N, V: V)
            #expect(a.bitPattern == b.bitPattern)
            crossEntropyBackward(dlogits: dlogits.pointer, probs: probs.pointer, targets: t.baseAddress!, N: N, V: V, dloss: 1 / Float(N))
            crossEntropyBackwardInPlace(probs: shared.pointer, targets: t.baseAddress!, N: N, V: V, dloss: 1 / Float(N))
        }
        #expect(losses.array.map(\.bitPattern) == sharedLosses.array.map(\.bitPattern))
        #expect(dlogits.array.map(\.bitPattern) == shared.array.map(\.bitPattern))
    }

    @Test func crossEntropyStaysFiniteForExtremeLogits() {
        let logits = FloatBuffer([1e4, -1e4, 0]), losses = FloatBuffer(zeros: 1), probs = FloatBuffer(zeros: 3)
        let target: [Int32] = [1]
        let mean = target.withUnsafeBufferPointer {
            crossEntropyForward(losses: losses.pointer, probs: probs.pointer, logits: logits.pointer,
                                targets: $0.baseAddress!, N: 1, V: 3)
        }
        #expect(mean == 2e4)
    }

    @Test func encoderMatchesNaiveTwinAndScattersGradients() {
        var rng = TestRandom(seed: 24)
        let V = 7
        let tokens = rng.ints(B * T, below: V)
        let wte = FloatBuffer(rng.floats(V * C)), wpe = FloatBuffer(rng.floats(T * C))
        let out = FloatBuffer(zeros: B * T * C), dout = FloatBuffer(rng.floats(B * T * C))
        tokens.withUnsafeBufferPointer {
            encoderForward(out: out.pointer, tokens: $0.baseAddress!, wte: wte.pointer, wpe: wpe.pointer, B: B, T: T, C: C, V: V)
        }
        #expect(relativeError(out.array, Naive.encoder(tokens, wte.doubles, wpe.doubles, B: B, T: T, C: C)) < 1e-7)

        let dwte = FloatBuffer(zeros: V * C), dwpe = FloatBuffer(zeros: T * C)
        tokens.withUnsafeBufferPointer {
            encoderBackward(dwte: dwte.pointer, dwpe: dwpe.pointer, dout: dout.pointer, tokens: $0.baseAddress!, B: B, T: T, C: C)
        }
        let fdWte = finiteDifferenceGradient(wte.doubles) { dot(Naive.encoder(tokens, $0, wpe.doubles, B: B, T: T, C: C), dout.doubles) }
        let fdWpe = finiteDifferenceGradient(wpe.doubles) { dot(Naive.encoder(tokens, wte.doubles, $0, B: B, T: T, C: C), dout.doubles) }
        #expect(relativeError(dwte.array, fdWte) < 1e-6)
        #expect(relativeError(dwpe.array, fdWpe) < 1e-6)
    }
}
