internal import CBLAS
internal import Foundation
internal import Synchronization

// Shape letters: N rows (batch × tokens), C input channels, OC output channels.
// Weights use the PyTorch Linear layout: weight (OC, C), y = x · Wᵀ + b.

/// Computes `out = inp · weightᵀ + bias` with one `cblas_sgemm` call.
///
/// - out: (N, OC), overwritten. May not alias `inp` or `weight`.
/// - inp: (N, C). weight: (OC, C). bias: (OC) or nil for no bias.
public func matmulForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, N: Int, C: Int, OC: Int
) {
    linearForward(out: out, inp: inp, weight: weight, transposed: false, bias: bias, N: N, C: C, OC: OC)
}

/// Computes `out = inp · weightT + bias` for a weight stored (C, OC), as Hugging Face's Conv1D
/// stores it (y = x · W + b), with one `cblas_sgemm` call (NoTrans/NoTrans).
///
/// - out: (N, OC), overwritten. May not alias `inp` or `weightT`.
/// - inp: (N, C). weightT: (C, OC). bias: (OC) or nil for no bias.
public func matmulForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
    weightT: UnsafePointer<Float>, bias: UnsafePointer<Float>?, N: Int, C: Int, OC: Int
) {
    linearForward(out: out, inp: inp, weight: weightT, transposed: true, bias: bias, N: N, C: C, OC: OC)
}

/// The two `matmulForward`s: `weight` is (OC, C), or (C, OC) when `transposed`.
private func linearForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, transposed: Bool,
    bias: UnsafePointer<Float>?, N: Int, C: Int, OC: Int
) {
    precondition(N >= 0 && C >= 0 && OC >= 0, "negative matmul shape")
    guard N > 0, OC > 0 else { return }
    var beta: Float = 0
    if let bias {
        // Seeding the output with the bias lets sgemm add the product in the same pass (beta = 1).
        for n in 0..<N { (out + n * OC).update(from: bias, count: OC) }
        beta = 1
    }
    if C == 0 {
        if bias == nil { out.update(repeating: 0, count: N * OC) }
        return
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasNoTrans : CblasTrans, blasint(N), blasint(OC), blasint(C),
                1, inp, blasint(C), weight, blasint(transposed ? OC : C), beta, out, blasint(OC))
}

/// Adds the gradients of `matmulForward` into `dinp`, `dweight` and `dbias` (callers zero them).
///
/// - dinp: (N, C) += dout · weight. dweight: (OC, C) += doutᵀ · inp. dbias: (OC) += Σ_n dout.
///   Pass nil for a gradient that is not needed.
/// - dout: (N, OC). inp: (N, C). weight: (OC, C).
public func matmulBackward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
    dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, N: Int, C: Int, OC: Int
) {
    precondition(N >= 0 && C >= 0 && OC >= 0, "negative matmul shape")
    guard N > 0, OC > 0 else { return }
    if let dinp, C > 0 {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(N), blasint(C), blasint(OC),
                    1, dout, blasint(OC), weight, blasint(C), 1, dinp, blasint(C))
    }
    if let dweight, C > 0 {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(OC), blasint(C), blasint(N),
                    1, dout, blasint(OC), inp, blasint(C), 1, dweight, blasint(C))
    }
    if let dbias { addBiasGradient(dbias, dout: dout, N: N, OC: OC) }
}

/// Adds the gradients of `matmulForward(out:inp:weightT:...)` (a weight stored (C, OC), as
/// Hugging Face's Conv1D: y = x · W + b) into `dinp`, `dweightT` and `dbias` (callers zero them).
///
/// - dinp: (N, C) += dout · weightTᵀ. dweightT: (C, OC) += inpᵀ · dout. dbias: (OC) += Σ_n dout.
/// - dout: (N, OC). inp: (N, C). weightT: (C, OC).
public func matmulBackward(
    dinp: UnsafeMutablePointer<Float>, dweightT: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weightT: UnsafePointer<Float>, N: Int, C: Int, OC: Int
) {
    precondition(N >= 0 && C >= 0 && OC >= 0, "negative matmul shape")
    guard N > 0, OC > 0 else { return }
    if C > 0 {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(N), blasint(C), blasint(OC),
                    1, dout, blasint(OC), weightT, blasint(OC), 1, dinp, blasint(C))
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(C), blasint(OC), blasint(N),
                    1, inp, blasint(C), dout, blasint(OC), 1, dweightT, blasint(OC))
    }
    if let dbias { addBiasGradient(dbias, dout: dout, N: N, OC: OC) }
}

/// dbias (OC) += Σ_n dout (N, OC).
private func addBiasGradient(_ dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, N: Int, OC: Int) {
    for n in 0..<N {
        let row = dout + n * OC
        for o in 0..<OC { dbias[o] += row[o] }
    }
}

/// Sets the number of threads OpenBLAS uses for every later call in this process.
///
/// By default OpenBLAS uses `OPENBLAS_NUM_THREADS` from the environment, or one thread per
/// core when it is unset. A server that runs verifications concurrently should pass 1: with
/// the other cores busy, a multi-threaded sgemm runs several times slower (PITFALLS.md).
/// Requires `count >= 1`.
///
/// With 1, OpenBLAS's idle worker threads are also stopped: started when the library loads,
/// they spin in `sched_yield` for a while before sleeping, which cost about 0.08 s of CPU
/// per process here (8% of `merkle root` on 1 GiB). A later count above 1 starts them again
/// on the next multi-threaded call.
///
/// Calls are serialized: two concurrent `blas_thread_shutdown_` calls deadlock inside OpenBLAS
/// 0.3.21 (seen as a hung test run, both threads in `blas_thread_shutdown_`).
public func setBLASThreadCount(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    blasThreadSettings.withLock { _ in
        openblas_set_num_threads(Int32(count))
        if count == 1 { _ = blas_thread_shutdown_() }
    }
}

/// Held while OpenBLAS's thread count changes.
private let blasThreadSettings = Mutex(())

/// The number of threads OpenBLAS currently uses.
public func blasThreadCount() -> Int {
    Int(openblas_get_num_threads())
}
