#ifndef VERIFIER_ATTENTION_H
#define VERIFIER_ATTENTION_H

#include <stddef.h>

/// Floats of scratch `kernels_attention` needs for L tokens and head size hs: the (L, L)
/// scores, both packed operands and the rows' softmax sums.
size_t kernels_attention_scratch_count(size_t L, size_t hs);

/// One head of bidirectional self-attention over L tokens: out = softmax(scale q kᵀ) v, with
/// q, k, v (L, hs) rows `ld` floats apart and out (L, hs) rows `ldo` floats apart (overwritten).
/// Both products run on the packed GEMM (gemm.c) after packing kᵀ and v, so they take its
/// build (kernels_vector_level) and its bits: AVX2 + FMA and AVX-512 agree exactly. The
/// softmax is `kernels_softmax_rows` with `scale` (> 0), its normalisation applied to the
/// product's rows. `scratch` has
/// `kernels_attention_scratch_count(L, hs)` floats and may not overlap the others.
void kernels_attention(float *out, size_t ldo, const float *q, const float *k, const float *v, size_t ld, size_t L,
                       size_t hs, float scale, float *scratch);

#endif
