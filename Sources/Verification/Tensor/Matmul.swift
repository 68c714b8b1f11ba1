internal import CBLAS

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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(N), blasint(OC), blasint(C),
                1, inp, blasint(C), weight, blasint(C), beta, out, blasint(OC))
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
    if let dbias {
        for n in 0..<N {
            let row = dout + n * OC
            for o in 0..<OC { dbias[o] += row[o] }
        }
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
public func setBLASThreadCount(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(count))
    if count == 1 { _ = blas_thread_shutdown_() }
}

/// The number of threads OpenBLAS currently uses.
public func blasThreadCount() -> Int {
    Int(openblas_get_num_threads())
}
