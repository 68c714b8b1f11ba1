import CKernels
import Foundation
import Testing
import Verification

/// Element-wise kernels and softmax against naive Double twins and finite differences.
struct ActivationKernelTests {
    let count = 257

    /// Runs a forward kernel and its backward on random inputs and checks both against
    /// `f` and `df`; `df` itself is checked against finite differences of `f`.
    private func check(
        seed: UInt64, forward: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void,
        backward: (_ dinp: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ out: UnsafePointer<Float>,
                   _ dout: UnsafePointer<Float>, Int) -> Void,
        f: (Double) -> Double, df: (Double) -> Double
    ) {
        var rng = TestRandom(seed: seed)
        // Keep inputs away from 0 so ReLU's kink does not meet the finite-difference step.
        let values = rng.floats(count, scale: 4).map { abs($0) < 1e-3 ? $0 + 0.01 : $0 }
        let inp = FloatBuffer(values), out = FloatBuffer(zeros: count), dout = FloatBuffer(rng.floats(count))
        forward(out.pointer, inp.pointer, count)
        #expect(relativeError(out.array, inp.doubles.map(f)) < 1e-6)
        let dinp = FloatBuffer([Float](repeating: 0.5, count: count))
        backward(dinp.pointer, inp.pointer, out.pointer, dout.pointer, count)
        let want = zip(inp.doubles, dout.doubles).map { 0.5 + df($0) * $1 }
        #expect(relativeError(dinp.array, want) < 1e-6)
        let fd = finiteDifferenceGradient(inp.doubles) { dot($0.map(f), dout.doubles) }
        #expect(relativeError(zip(inp.doubles, dout.doubles).map { df($0) * $1 }, fd) < 1e-7)
    }

    @Test func geluIsExactErfFormWithMatchingGradient() {
        check(seed: 11, forward: { geluForward(out: $0, inp: $1, count: $2) },
              backward: { geluBackward(dinp: $0, inp: $1, dout: $3, count: $4) },
              f: Naive.gelu, df: Naive.geluDerivative)
    }

    @Test func geluTanhIsTransformersGeluNewWithMatchingGradient() {
        check(seed: 14, forward: { geluTanhForward(out: $0, inp: $1, count: $2) },
              backward: { geluTanhBackward(dinp: $0, inp: $1, dout: $3, count: $4) },
              f: Naive.geluTanh, df: Naive.geluTanhDerivative)
    }

    @Test func tanhMatchesNaiveTwinWithMatchingGradient() {
        check(seed: 12, forward: { tanhForward(out: $0, inp: $1, count: $2) },
              backward: { tanhBackward(dinp: $0, out: $2, dout: $3, count: $4) },
              f: { tanh($0) }, df: { 1 - tanh($0) * tanh($0) })
    }

    @Test func reluMatchesNaiveTwinWithMatchingGradient() {
        check(seed: 13, forward: { reluForward(out: $0, inp: $1, count: $2) },
              backward: { reluBackward(dinp: $0, out: $2, dout: $3, count: $4) },
              f: { max($0, 0) }, df: { $0 > 0 ? 1 : 0 })
    }

    /// The call-free erf behind GELU stays within 2 ulp of libm's `erff` on a dense sweep of
    /// [-6, 6] (every 2^-14, so both polynomial pieces, the split at 0.921875 and the clamp at
    /// 3.925 are covered), keeps erf odd, and passes NaN and infinities through correctly;
    /// the same for the baseline build of the kernel, whatever this CPU runs by default.
    @Test(arguments: KernelBuild.all)
    func erfIsWithinTwoUlpOfLibm(build: KernelBuild) {
        let kernel = { kernels_erf_at(build.level, $0, $1, $2) }
        func erfs(_ xs: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: xs.count)
            kernel(&out, xs, xs.count)
            return out
        }
        let xs = (-98_304...98_304).map { Float($0) / 16_384 }
        let got = erfs(xs), negated = erfs(xs.map { -$0 })
        var worst: Float = 0
        var worstAt: Float = 0
        for (i, x) in xs.enumerated() {
            let want = erff(x)
            let ulps = abs(got[i] - want) / max(want.magnitude.ulp, Float.leastNormalMagnitude)
            if ulps > worst { (worst, worstAt) = (ulps, x) }
        }
        #expect(worst <= 2, "worst \(worst) ulp at \(worstAt)")
        #expect(zip(got, negated).allSatisfy { $0 == -$1 }, "erf is odd")
        let special: [Float] = [1e-30, 1e-8, Float(0.921875).nextDown, 0.921875, 3.925, 10, 1e30]
        for (x, y) in zip(special, erfs(special)) { #expect(abs(y - erff(x)) <= 2 * erff(x).ulp, "\(x)") }
        #expect(erfs([0, .infinity, -.infinity]) == [0, 1, -1])
        // Every count from 1 to 17 (whole vectors and each tail length): each element's value
        // is the same as computed alone, NaN stays NaN, and nothing past `count` is written.
        let mixed: [Float] = [-3, -1, -0.5, 0, 0.25, 0.95, 2, .nan, 3.5, -0.1, 1e-3, 4, -4, 0.5, 0.921875, 7, -2]
        for n in 1...mixed.count {
            var out = [Float](repeating: 42, count: mixed.count)
            kernel(&out, mixed, n)
            for i in 0..<n { #expect(out[i] == erfs([mixed[i]])[0] || (out[i].isNaN && mixed[i].isNaN), "n \(n) lane \(i)") }
            #expect(out[n...].allSatisfy { $0 == 42 }, "n \(n)")
        }
    }

    /// GELU in every build against the Double twin.
    @Test(arguments: KernelBuild.all)
    func geluBuildsMatchTheNaiveTwin(build: KernelBuild) {
        var rng = TestRandom(seed: 15)
        let values = rng.floats(1003, scale: 6)
        var out = [Float](repeating: 0, count: values.count)
        kernels_gelu_at(build.level, &out, values, values.count)
        #expect(relativeError(out, values.map { Naive.gelu(Double($0)) }) < 1e-6)
    }

    /// The AVX-512 build (sixteen lanes) gives the AVX2 build's bits (eight lanes), element-wise
    /// kernels on a dense sweep with NaN, infinities and -0, softmax on every row length to 700
    /// (so every split of a row into 16-, 8- and partial chunks). Needs a CPU with AVX-512.
    @Test func avx512BuildsGiveTheAVX2BuildsBits() throws {
        try #require(kernels_vector_level_supported() >= KERNELS_LEVEL_AVX512, "this CPU has no AVX-512")
        let (avx2, avx512) = (Int32(KERNELS_LEVEL_AVX2_FMA), Int32(KERNELS_LEVEL_AVX512))
        var xs = (-100_000...100_000).map { Float($0) / 8_000 }
        xs[5] = .nan; xs[7] = .infinity; xs[9] = -.infinity; xs[11] = -0.0
        let n = xs.count
        func both(_ kernel: (Int32, UnsafeMutablePointer<Float>) -> Void, start: Float = 0) -> ([Float], [Float]) {
            var a = [Float](repeating: start, count: n), b = a
            kernel(avx2, &a)
            kernel(avx512, &b)
            return (a, b)
        }
        func same(_ pair: ([Float], [Float])) -> Bool { pair.0.withUnsafeBytes { x in pair.1.withUnsafeBytes { x.elementsEqual($0) } } }
        #expect(same(both { kernels_erf_at($0, $1, xs, n) }), "erf")
        #expect(same(both { kernels_gelu_at($0, $1, xs, n) }), "gelu")
        #expect(same(both { kernels_gelu_tanh_at($0, $1, xs, n) }), "gelu_tanh")
        let dout = xs.indices.map { Float(sin(Double($0))) }
        #expect(same(both({ kernels_gelu_tanh_backward_at($0, $1, xs, dout, n) }, start: 0.25)), "gelu_tanh backward")
        for width in stride(from: 1, through: 700, by: 3) {
            let rows = 3
            var values = (0..<rows * width).map { xs[($0 * 7_919 + width) % n] * 3 }
            if width > 30 { values[width + 3] = .nan }
            var (a, b) = (values, values)
            kernels_softmax_rows_at(avx2, &a, rows, width, 0.17, nil)
            kernels_softmax_rows_at(avx512, &b, rows, width, 0.17, nil)
            #expect(same((a, b)), "softmax width \(width)")
            (a, b) = (values, values)
            var (sumsA, sumsB) = ([Float](repeating: 0, count: rows), [Float](repeating: 1, count: rows))
            kernels_softmax_rows_at(avx2, &a, rows, width, 0.17, &sumsA)
            kernels_softmax_rows_at(avx512, &b, rows, width, 0.17, &sumsB)
            #expect(same((a, b)) && same((sumsA, sumsB)), "unnormalised softmax width \(width)")
        }
    }

    /// gelu_new in every build, forward and backward, against the Double
    /// twin over [-12, 12] (the tanh's clamp at |2u| = 87 and its saturation included), every
    /// tail length, in place, and NaN.
    @Test(arguments: KernelBuild.all)
    func geluTanhBuildsMatchTheNaiveTwin(build: KernelBuild) {
        let forward = { kernels_gelu_tanh_at(build.level, $0, $1, $2) }
        let backward = { kernels_gelu_tanh_backward_at(build.level, $0, $1, $2, $3) }
        let xs = (-24_000...24_000).map { Float($0) / 2_000 }
        var out = [Float](repeating: 0, count: xs.count)
        forward(&out, xs, xs.count)
        var worst = 0.0
        for (x, y) in zip(xs, out) { worst = max(worst, abs(Double(y) - Naive.geluTanh(Double(x))) / max(1, abs(Double(x)))) }
        #expect(worst < 4e-7, "largest |error| / max(1, |x|): \(worst)")
        var rng = TestRandom(seed: 16)
        let dout = rng.floats(xs.count)
        var dinp = [Float](repeating: 0.25, count: xs.count)
        backward(&dinp, xs, dout, xs.count)
        let want = zip(xs, dout).map { 0.25 + Naive.geluTanhDerivative(Double($0)) * Double($1) }
        #expect(relativeError(dinp, want) < 1e-6)
        for n in 1...17 {
            var tail = [Float](repeating: 42, count: 17), grads = [Float](repeating: 42, count: 17)
            forward(&tail, Array(xs[100..<117]), n)
            backward(&grads, Array(xs[100..<117]), Array(dout[100..<117]), n)
            #expect(tail[..<n].elementsEqual(out[100..<100 + n]) && tail[n...].allSatisfy { $0 == 42 }, "n \(n)")
            #expect(grads[n...].allSatisfy { $0 == 42 }, "n \(n)")
        }
        var inPlace = Array(xs[0..<9])
        forward(&inPlace, inPlace, 9)
        #expect(inPlace == Array(out[0..<9]))
        var nan: [Float] = [.nan, 1]
        forward(&nan, nan, 2)
        #expect(nan[0].isNaN && nan[1] == out[xs.firstIndex(of: 1)!])
    }

    @Test func geluWorksInPlace() {
        let x = FloatBuffer([-2, -0.5, 0, 0.5, 2])
        geluForward(out: x.pointer, inp: x.pointer, count: x.count)
        #expect(relativeError(x.array, [-2, -0.5, 0, 0.5, 2].map(Naive.gelu)) < 1e-6)
    }

    @Test func addInPlaceAndResidualAdd() {
        let acc = FloatBuffer([1, 2, 3]), x = FloatBuffer([10, 20, 30]), out = FloatBuffer(zeros: 3)
        residualForward(out: out.pointer, a: acc.pointer, b: x.pointer, count: 3)
        addInPlace(acc.pointer, x.pointer, count: 3)
        #expect(acc.array == [11, 22, 33])
        #expect(out.array == [11, 22, 33])
    }

    @Test func softmaxRowsMatchesNaiveTwinAndSurvivesLargeLogits() {
        var rng = TestRandom(seed: 14)
        let (N, C) = (5, 33)
        let values = rng.floats(N * C, scale: 10)
        let x = FloatBuffer(values)
        softmaxRows(x.pointer, N: N, C: C)
        #expect(relativeError(x.array, Naive.softmax(values.map(Double.init), N: N, C: C)) < 1e-6)

        let big = FloatBuffer([1000, 1001, 1002])
        softmaxRows(big.pointer, N: 1, C: 3)
        #expect(big.array.allSatisfy { $0.isFinite })
        #expect(relativeError(big.array, Naive.softmax([0, 1, 2], N: 1, C: 3)) < 1e-6)
    }

    /// Every build of the C softmax on every row length from 1 to 40 and on attention widths,
    /// with logits spread up to ±60 (so exp arguments reach below -87, where the kernel clamps),
    /// each element within 1e-6 of the Double twin relative to the row's largest probability;
    /// rows sum to 1; a NaN anywhere makes its row NaN and leaves other rows alone.
    @Test(arguments: KernelBuild.all)
    func softmaxKernelOnEveryRowLength(build: KernelBuild) {
        let kernel = { kernels_softmax_rows_at(build.level, $0, $1, $2, 1, nil) }
        var rng = TestRandom(seed: 16)
        for width in Array(1...40) + [127, 128, 512] {
            let rows = 3
            let values = rng.floats(rows * width, scale: 60)
            var x = values
            kernel(&x, rows, width)
            let want = Naive.softmax(values.map(Double.init), N: rows, C: width)
            for n in 0..<rows {
                let row = n * width..<(n + 1) * width
                let worst = row.map { abs(Double(x[$0]) - want[$0]) }.max()!
                #expect(worst <= 1e-6 * want[row].max()!, "width \(width) row \(n): \(worst)")
                #expect(abs(x[row].reduce(0, +) - 1) < 1e-5, "width \(width) row \(n) sums to \(x[row].reduce(0, +))")
            }
        }
        // Unnormalised, with the inverse sums: rows times their inverse sum are the softmax.
        let values = rng.floats(3 * 37, scale: 8)
        var normalised = values, raw = values
        var inverse = [Float](repeating: 0, count: 3)
        kernel(&normalised, 3, 37)
        kernels_softmax_rows_at(build.level, &raw, 3, 37, 1, &inverse)
        for i in raw.indices { #expect(abs(raw[i] * inverse[i / 37] - normalised[i]) <= 1e-6 * max(normalised[i], 1e-3), "\(i)") }
        var poisoned: [Float] = [0, 1, 2, .nan, 4, 5, 6, 7, 8, 9, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        kernel(&poisoned, 2, 10)
        #expect(poisoned[0..<10].allSatisfy { $0.isNaN })
        #expect(poisoned[10..<20].allSatisfy { !$0.isNaN })
    }
}
