import Foundation
import TestSupport
import Testing
import CBLAS
import CKernels
import Verification

/// matmul and layer norm against their naive Double twins and finite differences.
struct LinearKernelTests {
    // Odd sizes so that no dimension is a multiple of the sgemm block size.
    let N = 7, C = 13, OC = 5

    @Test func matmulForwardMatchesNaiveTwin() {
        var rng = TestRandom(seed: 1)
        let inp = FloatBuffer(rng.floats(N * C)), weight = FloatBuffer(rng.floats(OC * C))
        let bias = FloatBuffer(rng.floats(OC)), out = FloatBuffer(zeros: N * OC)
        matmulForward(out: out.pointer, inp: inp.pointer, weight: weight.pointer, bias: bias.pointer, N: N, C: C, OC: OC)
        let want = Naive.matmul(inp.doubles, weight.doubles, bias.doubles, N: N, C: C, OC: OC)
        #expect(relativeError(out.array, want) < 1e-6)

        matmulForward(out: out.pointer, inp: inp.pointer, weight: weight.pointer, bias: nil, N: N, C: C, OC: OC)
        #expect(relativeError(out.array, Naive.matmul(inp.doubles, weight.doubles, nil, N: N, C: C, OC: OC)) < 1e-6)
    }

    @Test func matmulForwardWithTransposedWeightMatchesNaiveTwin() {
        var rng = TestRandom(seed: 3)
        let weightValues = rng.floats(OC * C)
        var transposed = [Float](repeating: 0, count: OC * C)
        for o in 0..<OC { for c in 0..<C { transposed[c * OC + o] = weightValues[o * C + c] } }
        let inp = FloatBuffer(rng.floats(N * C)), weightT = FloatBuffer(transposed)
        let bias = FloatBuffer(rng.floats(OC)), out = FloatBuffer(zeros: N * OC)
        let weight = weightValues.map(Double.init)
        matmulForward(out: out.pointer, inp: inp.pointer, weightT: weightT.pointer, bias: bias.pointer, N: N, C: C, OC: OC)
        #expect(relativeError(out.array, Naive.matmul(inp.doubles, weight, bias.doubles, N: N, C: C, OC: OC)) < 1e-6)
        matmulForward(out: out.pointer, inp: inp.pointer, weightT: weightT.pointer, bias: nil, N: N, C: C, OC: OC)
        #expect(relativeError(out.array, Naive.matmul(inp.doubles, weight, nil, N: N, C: C, OC: OC)) < 1e-6)
    }

    @Test func matmulBackwardAddsNaiveGradients() {
        var rng = TestRandom(seed: 2)
        let inp = FloatBuffer(rng.floats(N * C)), weight = FloatBuffer(rng.floats(OC * C))
        let dout = FloatBuffer(rng.floats(N * OC))
        // Start from non-zero gradients to check that the kernel adds rather than overwrites.
        let start = rng.floats(N * C + OC * C + OC)
        let dinp = FloatBuffer(Array(start[0..<N * C])), dweight = FloatBuffer(Array(start[N * C..<N * C + OC * C]))
        let dbias = FloatBuffer(Array(start[(N * C + OC * C)...]))
        matmulBackward(dinp: dinp.pointer, dweight: dweight.pointer, dbias: dbias.pointer, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
        let want = Naive.matmulBackward(dout.doubles, inp.doubles, weight.doubles, N: N, C: C, OC: OC)
        let plus = { (a: [Double], from: Int) in a.enumerated().map { $0.element + Double(start[from + $0.offset]) } }
        #expect(relativeError(dinp.array, plus(want.dinp, 0)) < 1e-6)
        #expect(relativeError(dweight.array, plus(want.dweight, N * C)) < 1e-6)
        #expect(relativeError(dbias.array, plus(want.dbias, N * C + OC * C)) < 1e-6)
    }

    @Test func matmulBackwardWithTransposedWeightAddsNaiveGradients() {
        var rng = TestRandom(seed: 5)
        let weightValues = rng.floats(OC * C)
        var transposed = [Float](repeating: 0, count: OC * C)
        for o in 0..<OC { for c in 0..<C { transposed[c * OC + o] = weightValues[o * C + c] } }
        let inp = FloatBuffer(rng.floats(N * C)), weightT = FloatBuffer(transposed), dout = FloatBuffer(rng.floats(N * OC))
        let start = rng.floats(N * C + OC * C + OC)
        let dinp = FloatBuffer(Array(start[0..<N * C])), dweightT = FloatBuffer(Array(start[N * C..<N * C + OC * C]))
        let dbias = FloatBuffer(Array(start[(N * C + OC * C)...]))
        matmulBackward(dinp: dinp.pointer, dweightT: dweightT.pointer, dbias: dbias.pointer, dout: dout.pointer,
                       inp: inp.pointer, weightT: weightT.pointer, N: N, C: C, OC: OC)
        let want = Naive.matmulBackward(dout.doubles, inp.doubles, weightValues.map(Double.init), N: N, C: C, OC: OC)
        var wantT = [Double](repeating: 0, count: OC * C)
        for o in 0..<OC { for c in 0..<C { wantT[c * OC + o] = want.dweight[o * C + c] + Double(start[N * C + c * OC + o]) } }
        let plus = { (a: [Double], from: Int) in a.enumerated().map { $0.element + Double(start[from + $0.offset]) } }
        #expect(relativeError(dinp.array, plus(want.dinp, 0)) < 1e-6)
        #expect(relativeError(dweightT.array, wantT) < 1e-6)
        #expect(relativeError(dbias.array, plus(want.dbias, N * C + OC * C)) < 1e-6)
    }

    @Test func naiveMatmulBackwardMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 3)
        let inp = rng.floats(N * C).map(Double.init), weight = rng.floats(OC * C).map(Double.init)
        let bias = rng.floats(OC).map(Double.init), dout = rng.floats(N * OC).map(Double.init)
        let grads = Naive.matmulBackward(dout, inp, weight, N: N, C: C, OC: OC)
        let fdInp = finiteDifferenceGradient(inp) { dot(Naive.matmul($0, weight, bias, N: N, C: C, OC: OC), dout) }
        let fdWeight = finiteDifferenceGradient(weight) { dot(Naive.matmul(inp, $0, bias, N: N, C: C, OC: OC), dout) }
        let fdBias = finiteDifferenceGradient(bias) { dot(Naive.matmul(inp, weight, $0, N: N, C: C, OC: OC), dout) }
        #expect(relativeError(grads.dinp, fdInp) < 1e-7)
        #expect(relativeError(grads.dweight, fdWeight) < 1e-7)
        #expect(relativeError(grads.dbias, fdBias) < 1e-7)
    }

    @Test func layerNormForwardMatchesNaiveTwin() {
        var rng = TestRandom(seed: 4)
        let inp = FloatBuffer(rng.floats(N * C, scale: 3)), weight = FloatBuffer(rng.floats(C))
        let bias = FloatBuffer(rng.floats(C)), out = FloatBuffer(zeros: N * C)
        let mean = FloatBuffer(zeros: N), rstd = FloatBuffer(zeros: N)
        layerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: inp.pointer,
                         weight: weight.pointer, bias: bias.pointer, N: N, C: C, eps: 1e-5)
        let want = Naive.layerNorm(inp.doubles, weight.doubles, bias.doubles, N: N, C: C, eps: 1e-5)
        #expect(relativeError(out.array, want) < 1e-5)
    }

    /// Every build of the C kernel on widths with
    /// every tail length, against the Double twin, including mean and rstd, rows far from
    /// zero (the two-pass variance), nil mean/rstd, and in place.
    @Test(arguments: KernelBuild.all)
    func layerNormKernelOnEveryTailLength(build: KernelBuild) {
        let kernel = { kernels_layernorm_at(build.level, $0, $1, $2, $3, $4, $5, $6, $7, $8) }
        var rng = TestRandom(seed: 6)
        for width in [1, 2, 7, 8, 9, 15, 16, 17, 33, 384] {
            let rows = 3
            var values = rng.floats(rows * width, scale: 3)
            for c in 0..<width { values[2 * width + c] = 100 + values[2 * width + c] }  // offset larger than the spread
            let weight = rng.floats(width), bias = rng.floats(width)
            var out = [Float](repeating: 0, count: rows * width), mean = [Float](repeating: 0, count: rows)
            var rstd = mean
            kernel(&out, &mean, &rstd, values, weight, bias, rows, width, 1e-5)
            let d = values.map(Double.init)
            let want = Naive.layerNorm(d, weight.map(Double.init), bias.map(Double.init), N: rows, C: width, eps: 1e-5)
            #expect(relativeError(out, want) < 1e-4, "width \(width)")
            for n in 0..<rows {
                let row = d[n * width..<(n + 1) * width]
                let m = row.reduce(0, +) / Double(width)
                let v = row.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(width)
                #expect(abs(Double(mean[n]) - m) <= 1e-6 * max(1, abs(m)), "width \(width) row \(n) mean")
                #expect(abs(Double(rstd[n]) * (v + 1e-5).squareRoot() - 1) < 1e-3, "width \(width) row \(n) rstd")
            }
            var again = values
            again.withUnsafeMutableBufferPointer { p in kernel(p.baseAddress!, nil, nil, p.baseAddress!, weight, bias, rows, width, 1e-5) }
            #expect(again == out, "width \(width): in place, without mean and rstd")
        }
    }

    @Test func layerNormBackwardMatchesNaiveTwinAndFiniteDifferences() {
        var rng = TestRandom(seed: 5)
        let inp = FloatBuffer(rng.floats(N * C, scale: 3)), weight = FloatBuffer(rng.floats(C))
        let bias = FloatBuffer(rng.floats(C)), out = FloatBuffer(zeros: N * C), dout = FloatBuffer(rng.floats(N * C))
        let mean = FloatBuffer(zeros: N), rstd = FloatBuffer(zeros: N)
        layerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: inp.pointer,
                         weight: weight.pointer, bias: bias.pointer, N: N, C: C, eps: 1e-5)
        let dinp = FloatBuffer(zeros: N * C), dweight = FloatBuffer(zeros: C), dbias = FloatBuffer(zeros: C)
        layerNormBackward(dinp: dinp.pointer, dweight: dweight.pointer, dbias: dbias.pointer, dout: dout.pointer,
                          inp: inp.pointer, weight: weight.pointer, mean: mean.pointer, rstd: rstd.pointer, N: N, C: C)
        let want = Naive.layerNormBackward(dout.doubles, inp.doubles, weight.doubles, N: N, C: C, eps: 1e-5)
        #expect(relativeError(dinp.array, want.dinp) < 1e-5)
        #expect(relativeError(dweight.array, want.dweight) < 1e-5)
        #expect(relativeError(dbias.array, want.dbias) < 1e-5)

        let (x, w, b, g) = (inp.doubles, weight.doubles, bias.doubles, dout.doubles)
        let fdInp = finiteDifferenceGradient(x) { dot(Naive.layerNorm($0, w, b, N: N, C: C, eps: 1e-5), g) }
        let fdWeight = finiteDifferenceGradient(w) { dot(Naive.layerNorm(x, $0, b, N: N, C: C, eps: 1e-5), g) }
        #expect(relativeError(want.dinp, fdInp) < 1e-7)
        #expect(relativeError(want.dweight, fdWeight) < 1e-7)
    }

    /// Set in the child process that runs `threadCountChangesInAProcessOfTheirOwn`.
    static let threadChildVariable = "LINEAR_KERNEL_BLAS_THREAD_CHILD"

    /// Changing OpenBLAS's thread count stops or starts its thread pool, which deadlocks inside
    /// OpenBLAS 0.3.21 when another test is in a multi-threaded sgemm at that moment (seen as a
    /// hung run). So the checks run in a child process of this binary with nothing beside them.
    @Test func blasThreadCountChangesWorkInAProcessOfTheirOwn() throws {
        var environment = ProcessInfo.processInfo.environment
        environment[Self.threadChildVariable] = "1"
        environment["OPENBLAS_NUM_THREADS"] = nil
        let child = try Subprocess.run(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                                       ["--testing-library", "swift-testing", "--filter", "LinearKernelTests/threadCountChangesInAProcessOfTheirOwn"],
                                       environment: environment)
        let text = child.stdout + child.stderr
        #expect(child.status == 0, "\(text)")
        #expect(text.contains("threadCountChangesInAProcessOfTheirOwn() passed"), "\(text)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[threadChildVariable] != nil,
                   "runs only as the child of blasThreadCountChangesWorkInAProcessOfTheirOwn"))
    func threadCountChangesInAProcessOfTheirOwn() {
        let before = blasThreadCount()
        setBLASThreadCount(1)
        #expect(blasThreadCount() == 1)

        // 256x256 crosses OpenBLAS's threshold for splitting work over threads.
        let n = 256
        let a = (0..<(n * n)).map { Float($0 % 17) - 8 }, b = (0..<(n * n)).map { Float($0 % 13) - 6 }
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: n * n)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n),
                        1, a, blasint(n), b, blasint(n), 0, &c, blasint(n))
            return c
        }
        let want = product()
        // Stopped and restarted, the pool still computes the same product.
        setBLASThreadCount(2)
        #expect(blasThreadCount() == 2)
        #expect(product() == want)
        setBLASThreadCount(1)
        #expect(product() == want)
        setBLASThreadCount(before)
    }
}
