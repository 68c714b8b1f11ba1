// A matrix product against a matrix packed once (the encoder's weights), written with the
// compiler's vector extensions and compiled twice, for the baseline target and for AVX2 + FMA,
// chosen at run time. OpenBLAS packs the weight again on every call, which at one sequence of
// 39 tokens was 22% of the encoder's time (perf, docs/poq.md).
//
// Shape letters: M rows of a and c, K inner dimension, N columns of b and c. The micro-kernel
// keeps a tile of R rows (R <= 6) by 16 columns in twelve 8-float accumulators; a is copied in
// blocks of MC rows by KC columns into slivers of 6 rows, k-major, so the kernel reads it
// contiguously.
#include "gemm.h"

#include "activations.h"

#include <stdint.h>
#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));

#define NR KERNELS_GEMM_PANEL
#define MR 6
#define MC 96
#define KC 384

#define BODY static inline __attribute__((always_inline))

size_t kernels_gemm_packed_count(size_t K, size_t N) { return (N + NR - 1) / NR * NR * K; }

void kernels_gemm_pack(float *packed, const float *b, size_t ldb, size_t K, size_t N) {
    const size_t panels = (N + NR - 1) / NR;
    for (size_t p = 0; p < panels; p++) {
        for (size_t k = 0; k < K; k++) {
            float *to = packed + (p * K + k) * NR;
            for (size_t j = 0; j < NR; j++) {
                const size_t column = p * NR + j;
                to[j] = column < N ? b[k * ldb + column] : 0.0f;
            }
        }
    }
}

/// A tile of R rows by 16 columns: starts from the bias (first K block) or from c, then adds
/// a[r, k] * b[k, :] for k in the block in increasing order. `columns` (<= 16) are stored.
#define TILE(R)                                                                                                   \
    BODY void tile##R(float *c, size_t ldc, const float *a, const float *b, size_t kc, const float *start,        \
                      size_t columns) {                                                                           \
        v8f acc[R][2];                                                                                            \
        for (int r = 0; r < R; r++) {                                                                             \
            const float *from = start ? start : c + r * ldc;                                                      \
            /* A full panel is two vector loads; only the last panel of a row may be partial (a */              \
            /* copy of variable size is a libc call, which cost 8% of the encoder's time). */                   \
            if (columns == NR) {                                                                                  \
                memcpy(&acc[r][0], from, sizeof(v8f));                                                            \
                memcpy(&acc[r][1], from + 8, sizeof(v8f));                                                        \
            } else {                                                                                              \
                float row[NR] = {0};                                                                              \
                memcpy(row, from, columns * sizeof(float));                                                       \
                memcpy(&acc[r][0], row, sizeof(v8f));                                                             \
                memcpy(&acc[r][1], row + 8, sizeof(v8f));                                                         \
            }                                                                                                     \
        }                                                                                                         \
        for (size_t k = 0; k < kc; k++) {                                                                         \
            v8f b0, b1;                                                                                           \
            memcpy(&b0, b + k * NR, sizeof b0);                                                                   \
            memcpy(&b1, b + k * NR + 8, sizeof b1);                                                               \
            const float *ak = a + k * MR;                                                                         \
            _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                                     \
                const float s = ak[r];                                                                            \
                const v8f x = {s, s, s, s, s, s, s, s};                                                           \
                acc[r][0] += x * b0;                                                                              \
                acc[r][1] += x * b1;                                                                              \
            }                                                                                                     \
        }                                                                                                         \
        for (int r = 0; r < R; r++) {                                                                             \
            if (columns == NR) {                                                                                  \
                memcpy(c + r * ldc, &acc[r][0], sizeof(v8f));                                                     \
                memcpy(c + r * ldc + 8, &acc[r][1], sizeof(v8f));                                                 \
            } else {                                                                                              \
                float row[NR];                                                                                    \
                memcpy(row, &acc[r][0], sizeof(v8f));                                                             \
                memcpy(row + 8, &acc[r][1], sizeof(v8f));                                                         \
                memcpy(c + r * ldc, row, columns * sizeof(float));                                                \
            }                                                                                                     \
        }                                                                                                         \
    }

TILE(1)
TILE(2)
TILE(3)
TILE(4)
TILE(5)
TILE(6)

BODY void tile(size_t rows, float *c, size_t ldc, const float *a, const float *b, size_t kc, const float *start,
               size_t columns) {
    switch (rows) {
    case 6: tile6(c, ldc, a, b, kc, start, columns); break;
    case 5: tile5(c, ldc, a, b, kc, start, columns); break;
    case 4: tile4(c, ldc, a, b, kc, start, columns); break;
    case 3: tile3(c, ldc, a, b, kc, start, columns); break;
    case 2: tile2(c, ldc, a, b, kc, start, columns); break;
    default: tile1(c, ldc, a, b, kc, start, columns); break;
    }
}

// Zeros stand in for missing bias; one per panel column.
static const float zeros[NR];

BODY void gemm(float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias, size_t M,
               size_t K, size_t N, size_t panel_begin, size_t panel_end, float *slivers) {
    for (size_t ic = 0; ic < M; ic += MC) {
        const size_t mc = M - ic < MC ? M - ic : MC;
        for (size_t pc = 0; pc == 0 || pc < K; pc += KC) {
            const size_t kc = K - pc < KC ? K - pc : KC;
            for (size_t ir = 0; ir < mc; ir += MR) {
                float *sliver = slivers + ir * kc;
                for (size_t k = 0; k < kc; k++) {
                    for (size_t r = 0; r < MR; r++) {
                        sliver[k * MR + r] = ir + r < mc ? a[(ic + ir + r) * lda + pc + k] : 0.0f;
                    }
                }
            }
            for (size_t p = panel_begin; p < panel_end; p++) {
                const float *b = packed + (p * K + pc) * NR;
                const size_t columns = N - p * NR < NR ? N - p * NR : NR;
                const float *start = pc > 0 ? NULL : bias ? bias + p * NR : zeros;
                for (size_t ir = 0; ir < mc; ir += MR) {
                    const size_t rows = mc - ir < MR ? mc - ir : MR;
                    tile(rows, c + (ic + ir) * ldc + p * NR, ldc, slivers + ir * kc, b, kc, start, columns);
                }
            }
        }
    }
}

// The copy of a's block, per thread (MC x KC floats, 144 KiB).
static _Thread_local float slivers[MC * KC] __attribute__((aligned(64)));

void kernels_gemm_packed_baseline(float *c, size_t ldc, const float *a, size_t lda, const float *packed,
                                  const float *bias, size_t M, size_t K, size_t N, size_t panel_begin,
                                  size_t panel_end) {
    gemm(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end, slivers);
}

#if defined(__x86_64__)
#define FAST __attribute__((target("avx2,fma")))
#else
#define FAST
#endif

static FAST void gemm_avx2(float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias,
                           size_t M, size_t K, size_t N, size_t panel_begin, size_t panel_end) {
    gemm(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end, slivers);
}

void kernels_gemm_packed(float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias,
                         size_t M, size_t K, size_t N, size_t panel_begin, size_t panel_end) {
    if (kernels_have_avx2_fma()) gemm_avx2(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end);
    else kernels_gemm_packed_baseline(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end);
}
