internal import CKernels
internal import Foundation

// Shape letters: B batch, T padded tokens, C channels, NH heads, hs = C / NH head size.
// The packed input holds, per token, query, key and value side by side (llm.c layout):
// qkv[b, t, 0..<C] = q, [C..<2C] = k, [2C..<3C] = v.

/// Bidirectional multi-head self-attention over a padded batch:
/// `out = softmax(q·kᵀ / sqrt(hs) + mask) · v` per sequence and head.
///
/// The padding mask of BERT adds a huge negative number to the scores of padded keys, which
/// makes their softmax weights exactly 0 in fp32. Here padded keys are left out of the
/// products instead (the key dimension of both products is the sequence's length), which
/// gives the same weights at less cost. Padded query rows are not computed either (nobody
/// reads them), so every product is sized by the sequence's own length and a sequence's
/// result does not depend on the padding of its batch. Each (sequence, head) runs
/// `kernels_attention` (Sources/CKernels/attention.c): both products on the packed GEMM, the
/// scale inside the softmax.
/// - out: (B, T, C), overwritten on each sequence's real rows; padded rows are left as they are.
/// - scratch: `attentionScratchCount(T:C:NH:)` floats, overwritten.
/// - qkv: (B, T, 3C). lengths: (B), each in 1...T.
/// - pairs: the (sequence, head) pairs to compute, numbered b·NH + h; the others' columns of
///   `out` are left alone, so disjoint ranges can run concurrently (each with its own `scratch`).
/// Requires C divisible by NH.
func bidirectionalAttentionForward(
    out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
    lengths: [Int], B: Int, T: Int, C: Int, NH: Int, pairs: Range<Int>? = nil
) {
    precondition(NH > 0 && C % NH == 0, "C=\(C) not divisible by NH=\(NH)")
    precondition(lengths.count == B && lengths.allSatisfy { $0 >= 1 && $0 <= T }, "lengths out of 1...\(T)")
    let hs = C / NH
    let scale = 1 / sqrtf(Float(hs))
    let pairs = pairs ?? 0..<B * NH
    precondition(pairs.lowerBound >= 0 && pairs.upperBound <= B * NH, "pairs \(pairs) out of 0..<\(B * NH)")
    for pair in pairs {
        let (b, h) = pair.quotientAndRemainder(dividingBy: NH)
        let q = qkv + b * T * 3 * C + h * hs
        kernels_attention(out + b * T * C + h * hs, C, q, q + C, q + 2 * C, 3 * C, lengths[b], hs, scale, scratch)
    }
}

/// Floats of scratch one concurrent part of `bidirectionalAttentionForward` needs at padded
/// length T.
func attentionScratchCount(T: Int, C: Int, NH: Int) -> Int {
    kernels_attention_scratch_count(T, C / NH)
}
