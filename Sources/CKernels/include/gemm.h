#ifndef VERIFIER_GEMM_H
#define VERIFIER_GEMM_H

#include <stddef.h>

#include "cpufeatures.h"

/// Columns per panel of a packed matrix.
#define KERNELS_GEMM_PANEL 16
/// Rows of K per block of a packed matrix.
#define KERNELS_GEMM_DEPTH 192

/// Floats a packed (K, N) matrix occupies: N rounded up to whole panels of 16 columns, times K.
size_t kernels_gemm_packed_count(size_t K, size_t N);

/// Where row k of panel p starts in a packed (K, N) matrix. The layout: K in blocks of
/// KERNELS_GEMM_DEPTH rows (the last may be shorter), one after another; within a block of kc
/// rows, the panels one after another, each kc rows of 16 floats (columns 16p..16p+15, zeros
/// past N). So a block's panels are one contiguous stream.
static inline size_t kernels_gemm_packed_offset(size_t K, size_t N, size_t k, size_t p) {
    const size_t panels = (N + KERNELS_GEMM_PANEL - 1) / KERNELS_GEMM_PANEL;
    const size_t block = k / KERNELS_GEMM_DEPTH * KERNELS_GEMM_DEPTH;
    const size_t rows = K - block < KERNELS_GEMM_DEPTH ? K - block : KERNELS_GEMM_DEPTH;
    return (block * panels + p * rows + (k - block)) * KERNELS_GEMM_PANEL;
}

/// Packs the row-major (K, N) matrix `b` (rows `ldb` floats apart) for `kernels_gemm_packed`,
/// in the layout of `kernels_gemm_packed_offset`. `packed` has `kernels_gemm_packed_count(K, N)`
/// floats.
void kernels_gemm_pack(float *packed, const float *b, size_t ldb, size_t K, size_t N);

/// c = a · b + bias for a `b` packed by `kernels_gemm_pack`, over the output columns of panels
/// [panel_begin, panel_end) only (disjoint panel ranges may run concurrently), in the build of
/// `kernels_vector_level()`.
/// - c: (M, N), rows `ldc` floats apart, overwritten in those columns.
/// - a: (M, K), rows `lda` floats apart. bias: (N), or NULL for none. May not alias c.
///
/// Each output is bias + sum over k in increasing order, one multiply-add at a time (fused in
/// the AVX2 + FMA and AVX-512 builds, which therefore agree to the bit), whatever M, the row's
/// position, the panel range or the CPU's cache blocking: a row's result depends only on that
/// row of `a` and on `b`, so batching, padding and splitting rows or panels across threads
/// change no bit.
void kernels_gemm_packed(float *c, size_t ldc, const float *a, size_t lda, const float *packed, const float *bias,
                         size_t M, size_t K, size_t N, size_t panel_begin, size_t panel_end);

/// `kernels_gemm_packed` in the build of `level` (a KERNELS_LEVEL_ value), or of the CPU's
/// widest supported level below it (tests compare the builds).
void kernels_gemm_packed_at(int level, float *c, size_t ldc, const float *a, size_t lda, const float *packed,
                            const float *bias, size_t M, size_t K, size_t N, size_t panel_begin, size_t panel_end);

#endif
