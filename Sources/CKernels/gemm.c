// A matrix product against a matrix packed once (the encoder's weights), written with the
// compiler's vector extensions and compiled three times: for the baseline target, for AVX2 +
// FMA and for AVX-512, chosen at run time. OpenBLAS packs the weight again on every call, which
// at one sequence of 39 tokens was 22% of the encoder's time (perf, docs/poq.md).
//
// Shape letters: M rows of a and c, K inner dimension, N columns of b and c. The micro-kernel
// keeps a tile of R rows by 16 columns in registers: two 8-float vectors per row with R <= 6
// (baseline and AVX2 builds), or one 16-float vector per row with R <= 8 (AVX-512, where the
// broadcast of a[r, k] folds into the multiply-add: 9 instructions per k for 8 rows instead of
// 20 for 6). It reads a where it lies (R rows of one K block stay in L1) and the packed b as
// one sequential stream: the packing stores each block of KERNELS_GEMM_DEPTH rows of K for all
// panels together, so a slice of panels is contiguous in memory. That layout and loop order
// (ONNX Runtime's MLAS uses the same) made the encoder's projections on cold weights 7-12%
// faster than a panel-major layout, which left the hardware prefetcher many short streams
// (scripts/bench-gemm; docs/poq.md, "Kernels").
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
#define KC KERNELS_GEMM_DEPTH
#define NC 32  // panels per slice: 32 x 16 columns x 192 rows = 384 KiB of b, within L2

#define BODY static inline __attribute__((always_inline))

size_t kernels_gemm_packed_count(size_t K, size_t N) { return (N + NR - 1) / NR * NR * K; }

void kernels_gemm_pack(float *packed, const float *b, size_t ldb, size_t K, size_t N) {
    const size_t panels = (N + NR - 1) / NR;
    for (size_t k = 0; k < K; k++) {
        for (size_t p = 0; p < panels; p++) {
            float *to = packed + kernels_gemm_packed_offset(K, N, k, p);
            const size_t columns = N - p * NR < NR ? N - p * NR : NR;
            memcpy(to, b + k * ldb + p * NR, columns * sizeof(float));
            memset(to + columns, 0, (NR - columns) * sizeof(float));
        }
    }
}

/// A tile of R rows by 16 columns held in vectors of type V (LANES floats; 16 / LANES per row):
/// starts from the bias (first K block) or from c, then adds a[r, k] * b[k, :] for k in the
/// block in increasing order. `columns` (<= 16) are stored. a's rows are `lda` floats apart.
#define TILE(V, LANES, R)                                                                                        \
    BODY void tile_##V##_##R(float *c, size_t ldc, const float *a, size_t lda, const float *b, size_t kc,         \
                             const float *start, size_t columns) {                                               \
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
                const float s = a[r * lda + k];                                                                  \
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

/// NAME runs a tile of `rows` rows (1 to the tile height) in vectors V; TALLER_CASES lists the
/// cases above 6 rows.
#define CASE(V, R) \
    case R: tile_##V##_##R(c, ldc, a, lda, b, kc, start, columns); break;
#define DISPATCH(NAME, V, TALLER_CASES)                                                                         \
    BODY void NAME(size_t rows, float *c, size_t ldc, const float *a, size_t lda, const float *b, size_t kc,    \
                   const float *start, size_t columns) {                                                         \
        switch (rows) {                                                                                          \
            TALLER_CASES                                                                                         \
            CASE(V, 6) CASE(V, 5) CASE(V, 4) CASE(V, 3) CASE(V, 2)                                               \
        default: tile_##V##_1(c, ldc, a, lda, b, kc, start, columns); break;                                     \
        }                                                                                                        \
    }

/// The tiles of 1 to 6 rows.
#define TILES_TO_6(V, LANES) \
    TILE(V, LANES, 1) TILE(V, LANES, 2) TILE(V, LANES, 3) TILE(V, LANES, 4) TILE(V, LANES, 5) TILE(V, LANES, 6)

// Tiles of up to 6 rows, two 8-float vectors per row (twelve accumulators): baseline and AVX2.
TILES_TO_6(v8f, 8)
DISPATCH(tile8, v8f, )

// Tiles of up to 8 rows, one 16-float vector per row: AVX-512.
TILES_TO_6(v16f, 16)
TILE(v16f, 16, 7)
TILE(v16f, 16, 8)
DISPATCH(tile16, v16f, CASE(v16f, 8) CASE(v16f, 7))

// Zeros stand in for missing bias; one per panel column.
static const float zeros[NR];

/// The blocked product with tiles up to MR rows high: for each slice of NC panels, for each block of
/// KC rows of K (its panels one contiguous stream of at most 384 KiB, read from L2 by every
/// tile), for each tile of MR rows (a's MR x KC block stays in L1), for each panel of the slice.
#define GEMM(MR, TILE_OF_ROWS)                                                                                   \
    for (size_t slice = panel_begin; slice < panel_end; slice += NC) {                                           \
        const size_t slice_end = panel_end - slice < NC ? panel_end : slice + NC;                                \
        for (size_t pc = 0; pc == 0 || pc < K; pc += KC) {                                                       \
            const size_t kc = K - pc < KC ? K - pc : KC;                                                         \
            for (size_t ir = 0, rows; ir < M; ir += rows) {                                                      \
                /* A last tile of 1-3 rows has too few accumulators to keep both FMA units busy: */              \
                /* split the last MR + 1 to MR + 3 rows in two (6 + 2 becomes 4 + 4; 1-2% at 128 rows). */     \
                const size_t left = M - ir;                                                                      \
                rows = left <= MR ? left : left < MR + 4 ? (left + 1) / 2 : MR;                                  \
                for (size_t p = slice; p < slice_end; p++) {                                                     \
                    const float *b = packed + kernels_gemm_packed_offset(K, N, pc, p);                           \
                    const size_t columns = N - p * NR < NR ? N - p * NR : NR;                                    \
                    const float *start = pc > 0 ? NULL : bias ? bias + p * NR : zeros;                           \
                    TILE_OF_ROWS(rows, c + ir * ldc + p * NR, ldc, a + ir * lda + pc, lda, b, kc, start, columns); \
                }                                                                                                \
            }                                                                                                    \
        }                                                                                                        \
    }

#define GEMM_PARAMETERS                                                                                          \
    float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias, size_t M, size_t K, \
        size_t N, size_t panel_begin, size_t panel_end

static void gemm_baseline(GEMM_PARAMETERS) { GEMM(6, tile8) }

#if defined(__x86_64__)
static __attribute__((target("avx2,fma"))) void gemm_avx2(GEMM_PARAMETERS) { GEMM(6, tile8) }
static __attribute__((target("avx512f"))) void gemm_avx512(GEMM_PARAMETERS) { GEMM(8, tile16) }
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
