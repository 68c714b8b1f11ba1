import Foundation
import Testing
import CBLAS
import CKernels
@testable import Verification

/// The packed matrix product (Sources/CKernels/gemm.c) against its twins: `cblas_sgemm` on
/// random inputs of every shape the encoder uses, within 2e-6 of the largest |value| (both sum
/// the same products in fp32, in different orders); and the naive loops it is by construction,
/// bit for bit: bias + Σ_c a·w in increasing c, fused multiply-adds in the AVX2 + FMA and
/// AVX-512 builds, separate ones in the baseline build (each build the CPU runs is checked).
struct PackedMatmulTests {
    /// MiniLM's projections as (C, OC): QKV, attention output, intermediate, output, pooler.
    static let encoderShapes = [(384, 1152), (384, 384), (384, 1536), (1536, 384)]
    /// Rows: every tile height (1-8), one past, odd counts, a sequence.
    static let rowCounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 39, 97]

    struct Case {
        let N: Int, C: Int, OC: Int
        let inp: FloatBuffer, weightT: [Float], bias: FloatBuffer

        init(N: Int, C: Int, OC: Int, seed: UInt64) {
            var rng = TestRandom(seed: seed)
            (self.N, self.C, self.OC) = (N, C, OC)
            inp = FloatBuffer(rng.floats(N * C))
            weightT = rng.floats(C * OC, scale: 0.1)
            bias = FloatBuffer(rng.floats(OC))
        }

        var packed: PackedMatrix { PackedMatrix(weightT, inputs: C, outputs: OC) }

        /// `cblas_sgemm` on the unpacked weight, bias through beta = 1.
        func blas() -> [Float] {
            var out = [Float](repeating: 0, count: N * OC)
            for n in 0..<N { for o in 0..<OC { out[n * OC + o] = bias.array[o] } }
            if C > 0 {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(N), blasint(OC), blasint(C),
                            1, inp.pointer, blasint(C), weightT, blasint(OC), 1, &out, blasint(OC))
            }
            return out
        }

        /// The naive loop the kernel is: one accumulator per output, c in increasing order.
        func naive(fused: Bool, withBias: Bool = true) -> [Float] {
            var out = [Float](repeating: 0, count: N * OC)
            for n in 0..<N {
                for o in 0..<OC {
                    var acc: Float = withBias ? bias.array[o] : 0
                    for c in 0..<C {
                        let (x, w) = (inp.pointer[n * C + c], weightT[c * OC + o])
                        acc = fused ? acc.addingProduct(x, w) : acc + x * w
                    }
                    out[n * OC + o] = acc
                }
            }
            return out
        }

        func run(_ kernel: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?) -> Void,
                 withBias: Bool = true) -> [Float] {
            let out = FloatBuffer([Float](repeating: .nan, count: N * OC))
            kernel(out.pointer, inp.pointer, withBias ? bias.pointer : nil)
            return out.array
        }
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: encoderShapes.indices)
    func matchesSgemmOnEveryEncoderShape(_ shape: Int) {
        let (C, OC) = Self.encoderShapes[shape]
        for N in Self.rowCounts {
            let test = Case(N: N, C: C, OC: OC, seed: UInt64(100 * shape + N))
            let packed = test.packed
            let got = test.run { matmulForward(out: $0, inp: $1, packed: packed, bias: $2, N: N) }
            let want = test.blas()
            let scale = max(1, want.map(abs).max() ?? 0)
            #expect(Self.maxDifference(got, want) <= 2e-6 * scale, "N=\(N) C=\(C) OC=\(OC)")
        }
    }

    /// Whether the dispatched build fuses its multiply-adds (AVX2 + FMA and AVX-512 do).
    static var dispatchedIsFused: Bool { Int(kernels_vector_level()) >= KERNELS_LEVEL_AVX2_FMA }

    @Test func everyBuildIsItsNaiveLoopExactly() throws {
        let supported = Int(kernels_vector_level_supported())
        // Every tile height of both tile sizes (1-8; a short last tile is split with the one
        // before it: 7 rows run as 4 + 3, 9 as 5 + 4), partial panels, K over several 192-row
        // blocks with a short last one (400), N over several 32-panel slices (600).
        for (N, C, OC) in [(7, 13, 5), (13, 384, 40), (1, 1536, 16), (6, 0, 9), (97, 400, 33), (8, 20, 17), (23, 30, 48),
                           (9, 200, 600), (2, 50, 20), (3, 16, 16), (11, 40, 16)] {
            let test = Case(N: N, C: C, OC: OC, seed: UInt64(N * 31 + C))
            let packed = test.packed
            for level in 0...supported {
                for withBias in [true, false] {
                    let got = test.run({ out, inp, bias in
                        packed.values.withUnsafeBufferPointer {
                            kernels_gemm_packed_at(Int32(level), out, OC, inp, C, $0.baseAddress!, bias, N, C, OC, 0, packed.panels)
                        }
                    }, withBias: withBias)
                    #expect(got == test.naive(fused: level >= KERNELS_LEVEL_AVX2_FMA, withBias: withBias),
                            "level \(level) N=\(N) C=\(C) OC=\(OC) bias \(withBias)")
                }
            }
            let dispatched = test.run { matmulForward(out: $0, inp: $1, packed: packed, bias: $2, N: N) }
            #expect(dispatched == test.naive(fused: Self.dispatchedIsFused), "N=\(N) C=\(C) OC=\(OC)")
        }
    }

    @Test func rowResultIsTheSameAloneInAnyBatchAndAnyPanelSplit() {
        let test = Case(N: 97, C: 384, OC: 1152, seed: 7)
        let packed = test.packed
        let batch = test.run { matmulForward(out: $0, inp: $1, packed: packed, bias: $2, N: 97) }
        for row in [0, 5, 6, 50, 96] {
            let alone = FloatBuffer(zeros: 1152)
            matmulForward(out: alone.pointer, inp: test.inp.pointer + row * 384, packed: packed, bias: test.bias.pointer, N: 1)
            #expect(alone.array == Array(batch[row * 1152..<(row + 1) * 1152]), "row \(row)")
        }
        let split = FloatBuffer([Float](repeating: .nan, count: 97 * 1152))
        for panels in [0..<1, 1..<30, 30..<72] {
            matmulForward(out: split.pointer, inp: test.inp.pointer, packed: packed, bias: test.bias.pointer, N: 97, panels: panels)
        }
        #expect(split.array == batch)
    }

    @Test func panelRangeWritesOnlyItsColumns() {
        let test = Case(N: 5, C: 20, OC: 37, seed: 9)
        let packed = test.packed
        #expect(packed.panels == 3)
        let out = FloatBuffer([Float](repeating: -7, count: 5 * 37))
        matmulForward(out: out.pointer, inp: test.inp.pointer, packed: packed, bias: test.bias.pointer, N: 5, panels: 2..<3)
        #expect(packed.columns(ofPanels: 2..<3) == 32..<37)
        let want = test.naive(fused: Self.dispatchedIsFused)
        for n in 0..<5 {
            for o in 0..<37 {
                #expect(out.array[n * 37 + o] == (o >= 32 ? want[n * 37 + o] : -7), "n=\(n) o=\(o)")
            }
        }
    }
}

/// One head of attention on the packed GEMM (Sources/CKernels/attention.c) against a Double
/// twin: head sizes with and without a whole number of 8-float blocks (kᵀ is packed in 8 x 8
/// blocks), lengths around the 16-key panels, rows strided as in the encoder's qkv buffer, and a
/// length and a head size past one 192-row block of the packed layout (v and kᵀ span two).
struct AttentionKernelTests {
    @Test(arguments: [(1, 32), (7, 32), (16, 32), (17, 32), (33, 32), (40, 12), (9, 5), (200, 8), (20, 200)])
    func matchesTheDoubleTwin(_ shape: (Int, Int)) {
        let (L, hs) = shape
        let ld = 3 * hs + 3  // rows of q, k, v side by side, plus a gap
        var rng = TestRandom(seed: UInt64(L * 100 + hs))
        let qkv = rng.floats(L * ld, scale: 2)
        let ldo = hs + 2
        var out = [Float](repeating: -7, count: L * ldo)
        var scratch = [Float](repeating: .nan, count: kernels_attention_scratch_count(L, hs))
        let scale = 1 / Float(hs).squareRoot()
        qkv.withUnsafeBufferPointer { p in
            let q = p.baseAddress!
            kernels_attention(&out, ldo, q, q + hs, q + 2 * hs, ld, L, hs, scale, &scratch)
        }
        func x(_ row: Int, _ column: Int) -> Double { Double(qkv[row * ld + column]) }
        var worst = 0.0
        for i in 0..<L {
            var scores = [Double](repeating: 0, count: L)
            for j in 0..<L {
                for d in 0..<hs { scores[j] += x(i, d) * x(j, hs + d) }
                scores[j] *= Double(scale)
            }
            let m = scores.max()!
            let e = scores.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for d in 0..<hs {
                var want = 0.0
                for j in 0..<L { want += e[j] / z * x(j, 2 * hs + d) }
                worst = max(worst, abs(Double(out[i * ldo + d]) - want))
            }
            #expect(out[i * ldo + hs..<(i + 1) * ldo].allSatisfy { $0 == -7 }, "row \(i) written past hs")
        }
        #expect(worst < 2e-6, "L=\(L) hs=\(hs): \(worst)")
    }
}
