// Element-wise erf and GELU, and softmax and LayerNorm rows, written once with the compiler's
// vector extensions and compiled three times, chosen at run time: for the baseline target in
// eight lanes, and for AVX2 + FMA and AVX-512 in sixteen (element-wise kernels and softmax;
// LayerNorm stays at eight). Swift's SIMD8<Float> on the baseline x86-64 target is two SSE
// registers per value and several of its operations are not inlined, and a Swift float sum is
// one long dependency chain; here GELU's share of the BERT encoder fell from 10% to 4.6% (perf,
// docs/poq.md). Its polynomial chains are long, so eight lanes leave Zen 4 waiting on latency;
// sixteen (one zmm, or two independent ymm chains in the AVX2 build) took GELU from 1.1 to
// 0.6 ns per element with AVX-512 and from 1.5 to 1.0 with AVX2.
#include "activations.h"

#include "cpufeatures.h"

#include <stdint.h>
#include <string.h>

// The helpers take and return vectors by value; they are always inlined, so the
// calling-convention difference this warns about never reaches a real call.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef uint32_t v16u __attribute__((vector_size(64)));

#define BODY static inline __attribute__((always_inline))

#define GELU_TANH_K 0.7978845608028654f  // sqrt(2 / pi)
#define GELU_TANH_A 0.044715f

#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)
#define NAMED(name) PASTE(name, LANES)

/// Lane 0 + lane 1 + ... + lane 7, in that order.
BODY float sum_lanes8(v8f v) {
    float s = v[0];
    for (int k = 1; k < 8; k++) s += v[k];
    return s;
}

#define LANES 8
#define VF v8f
#define VI v8i
#define VU v8u
#include "activations_lanes.h"
#undef LANES
#undef VF
#undef VI
#undef VU

#define LANES 16
#define VF v16f
#define VI v16i
#define VU v16u
#include "activations_lanes.h"
#undef LANES
#undef VF
#undef VI
#undef VU

BODY void layernorm_rows(float *out, float *mean, float *rstd, const float *in, const float *weight,
                         const float *bias, size_t N, size_t C, float eps) {
    const size_t whole = C / 8 * 8, rest = C - whole;
    for (size_t n = 0; n < N; n++) {
        const float *x = in + n * C;
        float *o = out + n * C;
        v8f acc = {};
        for (size_t i = 0; i < whole; i += 8) { v8f v; memcpy(&v, x + i, sizeof v); acc += v; }
        if (rest) acc += load_partial8(x + whole, rest);
        const float m = sum_lanes8(acc) / (float)C;
        v8f dev = {};
        for (size_t i = 0; i < whole; i += 8) { v8f v; memcpy(&v, x + i, sizeof v); v -= m; dev += v * v; }
        if (rest) {
            v8f v = load_partial8(x + whole, rest) - m;
            for (size_t k = rest; k < 8; k++) v[k] = 0;
            dev += v * v;
        }
        const float s = 1.0f / __builtin_sqrtf(sum_lanes8(dev) / (float)C + eps);
        for (size_t i = 0; i < whole; i += 8) {
            v8f v, w, b;
            memcpy(&v, x + i, sizeof v);
            memcpy(&w, weight + i, sizeof w);
            memcpy(&b, bias + i, sizeof b);
            v = (v - m) * s * w + b;
            memcpy(o + i, &v, sizeof v);
        }
        for (size_t i = whole; i < C; i++) o[i] = (x[i] - m) * s * weight[i] + bias[i];
        if (mean) mean[n] = m;
        if (rstd) rstd[n] = s;
    }
}

// The three builds of each kernel and its dispatch: `kernels_<name>_at(level, ...)` runs the
// build of `level` (or the widest the CPU supports below it), `kernels_<name>(...)` the build
// of kernels_vector_level(). Off x86-64 the target attributes are empty and the supported level
// is the baseline, so the dispatch always takes the baseline.
#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define AVX2
#define AVX512
#endif

#define UNPAREN(...) __VA_ARGS__

/// Defines the builds of kernel NAME: PARAMETERS and ARGUMENTS in parentheses, the body in
/// eight lanes (baseline) and in sixteen (AVX2, as two 8-lane vectors, and AVX-512).
#define BUILDS(NAME, PARAMETERS, ARGUMENTS, BODY8, BODY16)                                       \
    static void NAME##_baseline PARAMETERS { BODY8 ARGUMENTS; }                                   \
    static AVX2 void NAME##_avx2 PARAMETERS { BODY16 ARGUMENTS; }                                 \
    static AVX512 void NAME##_avx512 PARAMETERS { BODY16 ARGUMENTS; }                             \
    void kernels_##NAME##_at(int level, UNPAREN PARAMETERS) {                                     \
        const int usable = kernels_vector_level_supported();                                      \
        switch (level < usable ? level : usable) {                                                \
        case KERNELS_LEVEL_AVX512: NAME##_avx512 ARGUMENTS; break;                                \
        case KERNELS_LEVEL_AVX2_FMA: NAME##_avx2 ARGUMENTS; break;                                \
        default: NAME##_baseline ARGUMENTS; break;                                                \
        }                                                                                         \
    }                                                                                             \
    void kernels_##NAME PARAMETERS { kernels_##NAME##_at(kernels_vector_level(), UNPAREN ARGUMENTS); }

BUILDS(erf, (float *out, const float *in, size_t count), (out, in, count), erf_map8, erf_map16)
BUILDS(gelu, (float *out, const float *in, size_t count), (out, in, count), gelu_map8, gelu_map16)
BUILDS(gelu_tanh, (float *out, const float *in, size_t count), (out, in, count), gelu_tanh_map8, gelu_tanh_map16)
BUILDS(gelu_tanh_backward, (float *dinp, const float *in, const float *dout, size_t count), (dinp, in, dout, count),
       gelu_tanh_backward_rows8, gelu_tanh_backward_rows16)
BUILDS(softmax_rows, (float *x, size_t N, size_t C, float scale, float *inverse_sums), (x, N, C, scale, inverse_sums),
       softmax_rows8, softmax_rows16)
BUILDS(layernorm,
       (float *out, float *mean, float *rstd, const float *in, const float *weight, const float *bias, size_t N,
        size_t C, float eps),
       (out, mean, rstd, in, weight, bias, N, C, eps), layernorm_rows, layernorm_rows)
