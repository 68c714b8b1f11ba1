// Bidirectional attention for one (sequence, head) on the packed GEMM. OpenBLAS packs both
// operands on every call, and with a head size of 32 its small-matrix paths ran at about 90
// GFLOP/s where the packed kernel reaches 110 (docs/poq.md).
#include "attention.h"

#include "activations.h"
#include "gemm.h"

size_t kernels_attention_scratch_count(size_t L, size_t hs) {
    return L * L + kernels_gemm_packed_count(hs, L) + kernels_gemm_packed_count(L, hs);
}

void kernels_attention(float *out, size_t ldo, const float *q, const float *k, const float *v, size_t ld, size_t L,
                       size_t hs, float scale, float *scratch) {
    const size_t P = KERNELS_GEMM_PANEL;
    float *scores = scratch;
    float *keys = scores + L * L;  // kᵀ (hs, L) packed: panels of P keys
    float *values = keys + kernels_gemm_packed_count(hs, L);
    const size_t key_panels = (L + P - 1) / P;
    for (size_t p = 0; p < key_panels; p++) {
        for (size_t j = 0; j < P; j++) {
            const size_t key = p * P + j;
            for (size_t d = 0; d < hs; d++) keys[(p * hs + d) * P + j] = key < L ? k[key * ld + d] : 0.0f;
        }
    }
    kernels_gemm_packed(scores, L, q, ld, keys, NULL, L, hs, L, 0, key_panels);
    kernels_softmax_rows(scores, L, L, scale);
    kernels_gemm_pack(values, v, ld, L, hs);
    kernels_gemm_packed(out, ldo, scores, L, values, NULL, L, L, hs, 0, (hs + P - 1) / P);
}
