// Bidirectional attention for one (sequence, head) on the packed GEMM. OpenBLAS packs both
// operands on every call, and with a head size of 32 its small-matrix paths ran at about 90
// GFLOP/s where the packed kernel reaches 110 (docs/poq.md).
#include "attention.h"

#include "activations.h"
#include "gemm.h"

#include <string.h>

typedef float v8f __attribute__((vector_size(32)));

#pragma clang diagnostic ignored "-Wpsabi"

/// Transposes the 8 x 8 block r (r[i][j] becomes r[j][i]).
static inline __attribute__((always_inline)) void transpose8(v8f r[8]) {
    v8f t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/// Packs kᵀ (hs, L) for kernels_gemm_packed (the layout of kernels_gemm_packed_offset): panel p,
/// row d holds k[16p + j][d] for j < 16 (zeros past L), moved in 8 x 8 blocks.
static void pack_transposed(float *keys, const float *k, size_t ld, size_t L, size_t hs) {
    const size_t P = KERNELS_GEMM_PANEL, whole = hs / 8 * 8;
    for (size_t p = 0; p < (L + P - 1) / P; p++) {
        for (size_t j0 = 0; j0 < P; j0 += 8) {
            for (size_t d0 = 0; d0 < whole; d0 += 8) {
                v8f r[8];
                for (size_t i = 0; i < 8; i++) {
                    const size_t key = p * P + j0 + i;
                    r[i] = (v8f){};
                    if (key < L) memcpy(&r[i], k + key * ld + d0, sizeof(v8f));
                }
                transpose8(r);
                for (size_t c = 0; c < 8; c++) memcpy(keys + kernels_gemm_packed_offset(hs, L, d0 + c, p) + j0, &r[c], sizeof(v8f));
            }
            for (size_t d = whole; d < hs; d++) {
                for (size_t i = 0; i < 8; i++) {
                    const size_t key = p * P + j0 + i;
                    keys[kernels_gemm_packed_offset(hs, L, d, p) + j0 + i] = key < L ? k[key * ld + d] : 0.0f;
                }
            }
        }
    }
}

size_t kernels_attention_scratch_count(size_t L, size_t hs) {
    return L * L + kernels_gemm_packed_count(hs, L) + kernels_gemm_packed_count(L, hs) + L;
}

void kernels_attention(float *out, size_t ldo, const float *q, const float *k, const float *v, size_t ld, size_t L,
                       size_t hs, float scale, float *scratch) {
    const size_t P = KERNELS_GEMM_PANEL;
    float *scores = scratch;
    float *keys = scores + L * L;  // kᵀ (hs, L) packed: panels of P keys
    float *values = keys + kernels_gemm_packed_count(hs, L);
    float *inverse_sums = values + kernels_gemm_packed_count(L, hs);
    pack_transposed(keys, k, ld, L, hs);
    kernels_gemm_packed(scores, L, q, ld, keys, NULL, L, hs, L, 0, (L + P - 1) / P);
    // The weights stay unnormalised; each output row is scaled instead (hs products per row
    // rather than L: a pass over the (L, L) scores saved).
    kernels_softmax_rows(scores, L, L, scale, inverse_sums);
    kernels_gemm_pack(values, v, ld, L, hs);
    kernels_gemm_packed(out, ldo, scores, L, values, NULL, L, L, hs, 0, (hs + P - 1) / P);
    for (size_t i = 0; i < L; i++) {
        for (size_t d = 0; d < hs; d++) out[i * ldo + d] *= inverse_sums[i];
    }
}
