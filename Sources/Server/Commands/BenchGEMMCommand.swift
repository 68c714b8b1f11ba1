internal import Foundation
internal import Verification

/// `verifier bench-gemm`: times the PoQ encoder's matrix products alone (a developer tool used
/// by scripts/bench-gemm, not part of the service API).
///
/// One pass is the 24 projections of all-MiniLM-L6-v2's six layers (QKV 384x1152, attention
/// output 384x384, intermediate 384x1536, output 1536x384) on `--rows` rows, each weight packed
/// once as the encoder packs it (`PackedMatrix`). The 24 weights hold 42 MB, more than the L3
/// of the machines we measure on, so as in a real pass they stream from memory. Weights and
/// inputs are random (fixed seed); the kernel build is the process's (`KernelLevel`, which
/// follows OPENBLAS_CORETYPE). One untimed pass warms up. Prints one JSON line: kernels, rows,
/// runs, and the best and median GFLOP/s of the timed passes.
enum BenchGEMMCommand: Subcommand {
    static let name = "bench-gemm"
    static let usage = "bench-gemm [--rows N] [--runs N]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--rows", "--runs"])
        let rows = try args.int("--rows") ?? 128
        let runs = try args.int("--runs") ?? 15
        guard (1...4096).contains(rows), (1...1000).contains(runs) else {
            throw UsageError("--rows must be 1...4096 and --runs 1...1000")
        }
        var random = SplitMix64(seed: 1)
        func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float(random.nextUnit() * 2 - 1) } }
        let shapes = [(384, 1152), (384, 384), (384, 1536), (1536, 384)]
        let weights = (0..<6).flatMap { _ in shapes.map { PackedMatrix(floats($0.0 * $0.1), inputs: $0.0, outputs: $0.1) } }
        let input = floats(rows * 1536)
        var output = [Float](repeating: 0, count: rows * 1536)
        let flops = weights.reduce(0.0) { $0 + 2 * Double(rows) * Double($1.inputs) * Double($1.outputs) }
        let pass = {
            for weight in weights { matmulForward(out: &output, inp: input, packed: weight, bias: nil, N: rows) }
        }
        pass()
        var rates: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            pass()
            rates.append(flops / ((ContinuousClock.now - start) / .nanoseconds(1)))
        }
        rates.sort()
        print("{\"impl\":\"swift\",\"kernels\":\"\(KernelLevel.current)\",\"rows\":\(rows),\"runs\":\(runs),"
            + "\"bestGflops\":\(String(format: "%.1f", rates[rates.count - 1])),"
            + "\"medianGflops\":\(String(format: "%.1f", rates[rates.count / 2]))}")
        return 0
    }
}
