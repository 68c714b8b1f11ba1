internal import CKernels
internal import Foundation

// Shape letters: B sequences, C channels, NH heads, hs = C / NH head size. Rows are the
// sequences' real tokens one after another (no padding): sequence b holds rows
// offset(b)..<offset(b) + lengths[b], offset(b) = lengths[0..<b].sum(). The packed input holds,
// per token, query, key and value side by side (llm.c layout): qkv[row, 0..<C] = q,
// [C..<2C] = k, [2C..<3C] = v.

/// Bidirectional multi-head self-attention of each sequence over its own tokens:
/// `out = softmax(q·kᵀ / sqrt(hs)) · v` per sequence and head.
///
/// BERT's padding mask adds a huge negative number to the scores of padded keys, which makes
/// their softmax weights exactly 0 in fp32; with no padded rows there is nothing to mask, and
/// a sequence's result does not depend on the others in the batch. Each (sequence, head) runs
/// `kernels_attention` (Sources/CKernels/attention.c): both products on the packed GEMM, the
/// scale inside the softmax.
/// - out: (rows, C), overwritten in the computed pairs' columns.
/// - scratch: `attentionScratchCount(longest:C:NH:)` floats, overwritten.
/// - qkv: (rows, 3C). lengths: (B), each at least 1.
/// - pairs: the (sequence, head) pairs to compute, numbered b·NH + h; the others' columns of
///   `out` are left alone, so disjoint ranges can run concurrently (each with its own `scratch`).
/// Requires C divisible by NH.
func bidirectionalAttentionForward(
    out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
    lengths: [Int], C: Int, NH: Int, pairs: Range<Int>? = nil
) {
    precondition(NH > 0 && C % NH == 0, "C=\(C) not divisible by NH=\(NH)")
    precondition(lengths.allSatisfy { $0 >= 1 }, "empty sequence")
    let (B, hs) = (lengths.count, C / NH)
    let scale = 1 / sqrtf(Float(hs))
    let pairs = pairs ?? 0..<B * NH
    precondition(pairs.lowerBound >= 0 && pairs.upperBound <= B * NH, "pairs \(pairs) out of 0..<\(B * NH)")
    var offset = lengths[0..<pairs.lowerBound / NH].reduce(0, +)
    var current = pairs.lowerBound / NH
    for pair in pairs {
        let (b, h) = pair.quotientAndRemainder(dividingBy: NH)
        while current < b {
            offset += lengths[current]
            current += 1
        }
        let q = qkv + offset * 3 * C + h * hs
        kernels_attention(out + offset * C + h * hs, C, q, q + C, q + 2 * C, 3 * C, lengths[b], hs, scale, scratch)
    }
}

/// Floats of scratch one concurrent part of `bidirectionalAttentionForward` needs when the
/// longest sequence has `longest` tokens.
func attentionScratchCount(longest: Int, C: Int, NH: Int) -> Int {
    kernels_attention_scratch_count(longest, C / NH)
}
