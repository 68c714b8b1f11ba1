// A matrix product against a matrix packed once (the encoder's weights), written with the
// compiler's vector extensions and compiled three times: for the baseline target, for AVX2 +
// FMA and for AVX-512, chosen at run time. OpenBLAS packs the weight again on every call, which
// at one sequence of 39 tokens was 22% of the encoder's time (perf, docs/poq.md).
//
// Shape letters: M rows of a and c, K inner dimension, N columns of b and c. The micro-kernel
// keeps a tile of R rows by 16 columns in registers: two 8-float vectors per row with R <= 6
// (baseline and AVX2 builds), or one 16-float vector per row with R <= 8 (AVX-512, where the
// broadcast of a[r, k] folds into the multiply-add: 9 instructions per k for 8 rows instead of
// 20 for 6, 5% faster on Zen 4, whose 512-bit units are no wider). a is copied in blocks of MC
// rows by KC columns into slivers of MR rows, k-major, so the kernel reads it contiguously,
// except when few panels would share the copy.
// Every build adds the same products in the same order, so AVX2 and AVX-512 agree to the bit.
#include "gemm.h"

#include <stdint.h>
#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// A vector of one value. ((V){} + s would be an addition: 0 + s is not s when s is -0.)
#define SPLAT_v8f(s) ((v8f){s, s, s, s, s, s, s, s})
#define SPLAT_v16f(s) ((v16f){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s})

#define NR KERNELS_GEMM_PANEL
#define MC 96  // a multiple of both slivers' heights, 6 and 8
#define KC 384

#define BODY static inline __attribute__((always_inline))

size_t kernels_gemm_packed_count(size_t K, size_t N) { return (N + NR - 1) / NR * NR * K; }

void kernels_gemm_pack(float *packed, const float *b, size_t ldb, size_t K, size_t N) {
    const size_t panels = (N + NR - 1) / NR;
    for (size_t p = 0; p < panels; p++) {
        for (size_t k = 0; k < K; k++) {
            float *to = packed + (p * K + k) * NR;
            const size_t columns = N - p * NR < NR ? N - p * NR : NR;
            memcpy(to, b + k * ldb + p * NR, columns * sizeof(float));
            memset(to + columns, 0, (NR - columns) * sizeof(float));
        }
    }
}

/// A tile of R rows by 16 columns held in vectors of type V (LANES floats; 16 / LANES per row):
/// starts from the bias (first K block) or from c, then adds a[r, k] * b[k, :] for k in the
/// block in increasing order. `columns` (<= 16) are stored. Two families: `sliver` reads a
/// from a copy MR rows high, k-major (a[k * MR + r]); `direct` reads it where it lies, rows
/// `lda` floats apart (a[r * lda + k]).
#define TILE_OF(KIND, A_AT, V, LANES, MR, R)                                                                    \
    BODY void tile_##KIND##_##V##_##R(float *c, size_t ldc, const float *a, size_t lda, const float *b,         \
                                      size_t kc, const float *start, size_t columns) {                          \
        (void)lda;                                                                                               \
        enum { PER_ROW = NR / LANES };                                                                           \
        V acc[R][PER_ROW];                                                                                       \
        for (int r = 0; r < R; r++) {                                                                            \
            const float *from = start ? start : c + r * ldc;                                                     \
            /* A full panel is whole vector loads; only the last panel of a row may be partial */              \
            /* (a copy of variable size is a libc call, which cost 8% of the encoder's time). */                \
            float row[NR] = {0};                                                                                 \
            if (columns != NR) memcpy(row, from, columns * sizeof(float));                                       \
            const float *source = columns == NR ? from : row;                                                    \
            for (int v = 0; v < PER_ROW; v++) memcpy(&acc[r][v], source + v * LANES, sizeof(V));                 \
        }                                                                                                        \
        for (size_t k = 0; k < kc; k++) {                                                                        \
            V bk[PER_ROW];                                                                                       \
            for (int v = 0; v < PER_ROW; v++) memcpy(&bk[v], b + k * NR + v * LANES, sizeof(V));                 \
            _Pragma("clang loop unroll(full)") for (int r = 0; r < R; r++) {                                    \
                const float s = A_AT;                                                                            \
                const V x = SPLAT_##V(s);                                                                        \
                for (int v = 0; v < PER_ROW; v++) acc[r][v] += x * bk[v];                                        \
            }                                                                                                    \
        }                                                                                                        \
        for (int r = 0; r < R; r++) {                                                                            \
            float row[NR];                                                                                       \
            float *to = columns == NR ? c + r * ldc : row;                                                       \
            for (int v = 0; v < PER_ROW; v++) memcpy(to + v * LANES, &acc[r][v], sizeof(V));                     \
            if (columns != NR) memcpy(c + r * ldc, row, columns * sizeof(float));                                \
        }                                                                                                        \
    }
#define TILE(V, LANES, MR, R)                                                                                    \
    TILE_OF(sliver, a[k * MR + r], V, LANES, MR, R)                                                              \
    TILE_OF(direct, a[r * lda + k], V, LANES, MR, R)

/// NAME runs a tile of `rows` rows (1 to the tile height) of family KIND in vectors V;
/// TALLER_CASES lists the cases above 6 rows.
#define CASE(KIND, V, R)                                                                                         \
    case R: tile_##KIND##_##V##_##R(c, ldc, a, lda, b, kc, start, columns); break;
#define DISPATCH(NAME, KIND, V, TALLER_CASES)                                                                   \
    BODY void NAME(size_t rows, float *c, size_t ldc, const float *a, size_t lda, const float *b, size_t kc,    \
                   const float *start, size_t columns) {                                                         \
        switch (rows) {                                                                                          \
            TALLER_CASES                                                                                         \
            CASE(KIND, V, 6) CASE(KIND, V, 5) CASE(KIND, V, 4) CASE(KIND, V, 3) CASE(KIND, V, 2)                \
        default: tile_##KIND##_##V##_1(c, ldc, a, lda, b, kc, start, columns); break;                           \
        }                                                                                                        \
    }

/// The tiles of 1 to 6 rows.
#define TILES_TO_6(V, LANES, MR)                                                                                 \
    TILE(V, LANES, MR, 1) TILE(V, LANES, MR, 2) TILE(V, LANES, MR, 3) TILE(V, LANES, MR, 4) TILE(V, LANES, MR, 5) \
    TILE(V, LANES, MR, 6)

// Tiles of up to 6 rows, two 8-float vectors per row (twelve accumulators): baseline and AVX2.
TILES_TO_6(v8f, 8, 6)
DISPATCH(tile8_sliver, sliver, v8f, )
DISPATCH(tile8_direct, direct, v8f, )

// Tiles of up to 8 rows, one 16-float vector per row: AVX-512.
TILES_TO_6(v16f, 16, 8)
TILE(v16f, 16, 8, 7)
TILE(v16f, 16, 8, 8)
DISPATCH(tile16_sliver, sliver, v16f, CASE(sliver, v16f, 8) CASE(sliver, v16f, 7))
DISPATCH(tile16_direct, direct, v16f, CASE(direct, v16f, 8) CASE(direct, v16f, 7))

// Zeros stand in for missing bias; one per panel column.
static const float zeros[NR];

// The copy of a's block, per thread (MC x KC floats, 144 KiB).
static _Thread_local float slivers[MC * KC] __attribute__((aligned(64)));

/// The blocked product with tiles MR rows high. a's block is copied into slivers when the call
/// covers more than 2 panels: in the encoder, with weights too large for the cache, that is 2%
/// faster at 128 rows and 8% at 40 (tiles read one sequential stream) than reading a where it
/// lies; with 2 panels (attention's P·V, 32 columns) the copy costs more than it saves (20%).
#define GEMM(MR, SLIVER_TILE, DIRECT_TILE)                                                                       \
    const int copy = panel_end - panel_begin > 2;                                                                \
    for (size_t ic = 0; ic < M; ic += MC) {                                                                      \
        const size_t mc = M - ic < MC ? M - ic : MC;                                                             \
        for (size_t pc = 0; pc == 0 || pc < K; pc += KC) {                                                       \
            const size_t kc = K - pc < KC ? K - pc : KC;                                                         \
            for (size_t ir = 0; copy && ir < mc; ir += MR) {                                                     \
                float *sliver = slivers + ir * kc;                                                               \
                for (size_t k = 0; k < kc; k++) {                                                                \
                    for (size_t r = 0; r < MR; r++) {                                                            \
                        sliver[k * MR + r] = ir + r < mc ? a[(ic + ir + r) * lda + pc + k] : 0.0f;              \
                    }                                                                                            \
                }                                                                                                \
            }                                                                                                    \
            for (size_t p = panel_begin; p < panel_end; p++) {                                                   \
                const float *b = packed + (p * K + pc) * NR;                                                     \
                const size_t columns = N - p * NR < NR ? N - p * NR : NR;                                        \
                const float *start = pc > 0 ? NULL : bias ? bias + p * NR : zeros;                               \
                for (size_t ir = 0; ir < mc; ir += MR) {                                                         \
                    const size_t rows = mc - ir < MR ? mc - ir : MR;                                             \
                    float *to = c + (ic + ir) * ldc + p * NR;                                                    \
                    if (copy) SLIVER_TILE(rows, to, ldc, slivers + ir * kc, MR, b, kc, start, columns);          \
                    else DIRECT_TILE(rows, to, ldc, a + (ic + ir) * lda + pc, lda, b, kc, start, columns);       \
                }                                                                                                \
            }                                                                                                    \
        }                                                                                                        \
    }

#define GEMM_PARAMETERS                                                                                          \
    float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias, size_t M, size_t K, \
        size_t N, size_t panel_begin, size_t panel_end

static void gemm_baseline(GEMM_PARAMETERS) { GEMM(6, tile8_sliver, tile8_direct) }

#if defined(__x86_64__)
static __attribute__((target("avx2,fma"))) void gemm_avx2(GEMM_PARAMETERS) { GEMM(6, tile8_sliver, tile8_direct) }
static __attribute__((target("avx512f"))) void gemm_avx512(GEMM_PARAMETERS) { GEMM(8, tile16_sliver, tile16_direct) }
#endif

void kernels_gemm_packed_at(int level, GEMM_PARAMETERS) {
    const int usable = kernels_vector_level_supported();
    switch (level < usable ? level : usable) {
#if defined(__x86_64__)
    case KERNELS_LEVEL_AVX512: gemm_avx512(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end); break;
    case KERNELS_LEVEL_AVX2_FMA: gemm_avx2(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end); break;
#endif
    default: gemm_baseline(c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end); break;
    }
}

void kernels_gemm_packed(GEMM_PARAMETERS) {
    kernels_gemm_packed_at(kernels_vector_level(), c, ldc, a, lda, packed, bias, M, K, N, panel_begin, panel_end);
}
