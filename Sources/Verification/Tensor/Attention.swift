internal import CBLAS
internal import Foundation

// Shape letters: B batch, T tokens, C channels, NH heads, hs = C / NH head size.
// The packed input holds, for each token, the query, key and value vectors side by side
// (llm.c layout): inp[b, t, 0..<C] = q, [C..<2C] = k, [2C..<3C] = v; head h uses
// channels h*hs..<(h+1)*hs of each. Per head the products run as strided sgemm calls.

/// Causal multi-head self-attention: `out = softmax(q·kᵀ / sqrt(hs) + mask) · v` per head.
///
/// - out: (B, T, C), overwritten; head h writes channels h*hs..<(h+1)*hs.
/// - att: (B, NH, T, T), overwritten with the attention weights (zero above the diagonal),
///   kept for the backward pass.
/// - inp: (B, T, 3C) packed q, k, v.
/// Requires C divisible by NH.
public func attentionForward(
    out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int
) {
    precondition(NH > 0 && C % NH == 0, "C=\(C) not divisible by NH=\(NH)")
    let hs = C / NH
    let scale = 1 / sqrtf(Float(hs))
    let (t32, hs32, ld3, ldc) = (blasint(T), blasint(hs), blasint(3 * C), blasint(C))
    for b in 0..<B {
        for h in 0..<NH {
            let q = inp + b * T * 3 * C + h * hs
            let k = q + C
            let v = q + 2 * C
            let a = att + (b * NH + h) * T * T
            // The full T×T product costs twice the causal half but stays one BLAS call.
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t32, t32, hs32,
                        scale, q, ld3, k, ld3, 0, a, t32)
            for t in 0..<T {
                let row = a + t * T
                softmaxRows(row, N: 1, C: t + 1)
                (row + t + 1).update(repeating: 0, count: T - t - 1)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t32, hs32, t32,
                        1, a, t32, v, ld3, 0, out + b * T * C + h * hs, ldc)
        }
    }
}

/// Adds the gradient of `attentionForward` with respect to its packed input into `dinp`.
///
/// - dinp: (B, T, 3C), accumulated (callers zero it).
/// - scratch: (T, T), overwritten; holds one head's attention-weight gradient at a time.
/// - dout: (B, T, C). inp: (B, T, 3C). att: (B, NH, T, T) as written by the forward pass.
public func attentionBackward(
    dinp: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, att: UnsafePointer<Float>,
    B: Int, T: Int, C: Int, NH: Int
) {
    precondition(NH > 0 && C % NH == 0, "C=\(C) not divisible by NH=\(NH)")
    let hs = C / NH
    let scale = 1 / sqrtf(Float(hs))
    let (t32, hs32, ld3, ldc) = (blasint(T), blasint(hs), blasint(3 * C), blasint(C))
    for b in 0..<B {
        for h in 0..<NH {
            let offset = b * T * 3 * C + h * hs
            let (q, k, v) = (inp + offset, inp + offset + C, inp + offset + 2 * C)
            let (dq, dk, dv) = (dinp + offset, dinp + offset + C, dinp + offset + 2 * C)
            let a = att + (b * NH + h) * T * T
            let dh = dout + b * T * C + h * hs
            // datt = dout_h · vᵀ ; dv += attᵀ · dout_h
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t32, t32, hs32,
                        1, dh, ldc, v, ld3, 0, scratch, t32)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t32, hs32, t32,
                        1, a, t32, dh, ldc, 1, dv, ld3)
            // Softmax backward row by row, in place: dpre = att ⊙ (datt - Σ att ⊙ datt), times the
            // 1/sqrt(hs) scale of the scores; masked entries get zero gradient.
            for t in 0..<T {
                let row = a + t * T
                let d = scratch + t * T
                var s: Float = 0
                for j in 0...t { s += row[j] * d[j] }
                for j in 0...t { d[j] = row[j] * (d[j] - s) * scale }
                (d + t + 1).update(repeating: 0, count: T - t - 1)
            }
            // dq += dpre · k ; dk += dpreᵀ · q
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t32, hs32, t32,
                        1, scratch, t32, k, ld3, 1, dq, ld3)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, t32, hs32, t32,
                        1, scratch, t32, q, ld3, 1, dk, ld3)
        }
    }
}
