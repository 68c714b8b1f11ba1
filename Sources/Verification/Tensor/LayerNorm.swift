internal import CKernels
internal import Foundation

// Shape letters: N rows (batch × tokens), C channels.

/// Normalises each row of `inp` to zero mean and unit variance, then scales and shifts it.
///
/// Per row: `out = (x - mean) * rstd * weight + bias`, with the biased variance
/// (divided by C, two passes so there is no E[x²] - E[x]² cancellation) and
/// `rstd = 1 / sqrt(var + eps)`. Sums run in eight lanes (Sources/CKernels/activations.c,
/// AVX2 + FMA when the CPU has them), not as one dependent chain per row.
/// - out: (N, C), overwritten; may not alias `inp`.
/// - mean, rstd: (N), overwritten, kept for the backward pass; nil when not needed.
/// - inp: (N, C). weight, bias: (C).
public func layerNormForward(
    out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
    rstd: UnsafeMutablePointer<Float>?, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    precondition(N >= 0 && C > 0, "bad layer norm shape N=\(N) C=\(C)")
    kernels_layernorm(out, mean, rstd, inp, weight, bias, N, C, eps)
}

/// Adds the gradients of `layerNormForward` into `dinp`, `dweight` and `dbias` (callers zero them).
///
/// - dinp: (N, C). dweight, dbias: (C).
/// - dout: (N, C). inp: (N, C). weight: (C). mean, rstd: (N) as written by the forward pass.
public func layerNormBackward(
    dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
    dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
    N: Int, C: Int
) {
    for n in 0..<N {
        let x = inp + n * C
        let dy = dout + n * C
        let dx = dinp + n * C
        let m = mean[n]
        let s = rstd[n]
        // The input gradient needs two row means: of dnorm and of dnorm · norm.
        var dnormMean: Float = 0
        var dnormNormMean: Float = 0
        for i in 0..<C {
            let norm = (x[i] - m) * s
            let dnorm = weight[i] * dy[i]
            dnormMean += dnorm
            dnormNormMean += dnorm * norm
        }
        dnormMean /= Float(C)
        dnormNormMean /= Float(C)
        for i in 0..<C {
            let norm = (x[i] - m) * s
            let dnorm = weight[i] * dy[i]
            dbias[i] += dy[i]
            dweight[i] += norm * dy[i]
            dx[i] += (dnorm - dnormMean - norm * dnormNormMean) * s
        }
    }
}
