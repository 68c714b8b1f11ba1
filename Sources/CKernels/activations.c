// Element-wise erf and GELU, and softmax and LayerNorm rows, eight lanes at a time, written
// once with the compiler's vector extensions and compiled twice: for the baseline target and
// for AVX2 + FMA, chosen at run time. Swift's SIMD8<Float> on the baseline x86-64 target is two
// SSE registers per value and several of its operations are not inlined, and a Swift float
// sum is one long dependency chain; here GELU's share of the BERT encoder fell from 10% to
// 4.6% (perf, docs/poq.md).
#include "activations.h"

#include "cpufeatures.h"

#include <stdint.h>
#include <string.h>

// The helpers take and return 8-float vectors by value; they are always inlined, so the
// calling-convention difference this warns about never reaches a real call.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));

#define BODY static inline __attribute__((always_inline))

BODY v8f select8(v8i mask, v8f yes, v8f no) { return (v8f)(((v8i)yes & mask) | ((v8i)no & ~mask)); }

/// e^-q for q in [0, 87] (callers clamp): q log2(e) = n + f with n an integer (rounded by adding 1.5 * 2^23,
/// which also leaves n in the low mantissa bits), e^-q = 2^-n e^r with r = n ln 2 - q in
/// [-ln2/2, ln2/2] (ln 2 in two parts for exactness), e^r by its degree-7 Taylor polynomial.
BODY v8f exp_negative8(v8f q) {
    const float shifter = 12582912.0f;  // 1.5 * 2^23
    v8f m = q * 1.44269504f + shifter;
    v8f n = m - shifter;
    v8f r = (n * 0.693145752f - q) + n * 1.42860677e-6f;
    v8f e = r * (1.0f / 5040) + (1.0f / 720);
    e = e * r + (1.0f / 120);
    e = e * r + (1.0f / 24);
    e = e * r + (1.0f / 6);
    e = e * r + 0.5f;
    e = e * r + 1.0f;
    e = e * r + 1.0f;
    // n sits in the low bits of m's pattern; the exponent arithmetic is unsigned so that a NaN
    // (whose garbage n makes 127 - n negative) wraps instead of shifting a negative number.
    v8u k = (v8u)m - 0x4B400000u;
    return e * (v8f)((127u - k) << 23);
}

/// N. Juffa's faithfully rounded erff (the polynomials onnxruntime's MLAS uses): for
/// |x| < 0.921875, erf(x) = x + x p(x^2); above, erf(x) = 1 - exp(-(t + t q(t))) with
/// t = |x| clamped to 3.925 (where erf rounds to 1 in fp32). NaN gives NaN.
BODY v8f erf8(v8f x) {
    v8i bits = (v8i)x;
    v8i sign = bits & (int32_t)0x80000000;
    v8f a = (v8f)(bits & 0x7FFFFFFF);
    v8f t = select8(a < 3.925f, a, (v8f){} + 3.925f);
    v8f s = t * t;
    v8f p = s * -5.99104969e-4f + 4.99339588e-3f;
    p = p * s - 2.67667342e-2f;
    p = p * s + 1.12818025e-1f;
    p = p * s - 3.76124859e-1f;
    p = p * s + 1.28379151e-1f;
    v8f small = t + t * p;
    v8f q = t * 1.72948930e-5f - 3.83208680e-4f;
    q = q * s + (t * 3.88393435e-3f - 2.42545605e-2f);
    q = q * t + 1.06777847e-1f;
    q = q * t + 6.34846687e-1f;
    q = q * t + 1.28717512e-1f;
    q = q * t + t;
    v8f large = 1.0f - exp_negative8(q);
    v8f r = select8(t >= 0.921875f, large, small);
    v8f signed_r = (v8f)((v8i)r | sign);
    return select8(x != x, x, signed_r);
}

BODY v8f gelu8(v8f x) { return 0.5f * x * (1.0f + erf8(x * 0.70710678118654752f)); }

/// tanh(u) = sign(u) (1 - e) / (1 + e) with e = e^-2|u| (2|u| clamped to 87, where tanh rounds
/// to 1). Accurate in absolute terms (about 2e-7), which is what GELU's 1 + t and 1 - t^2 need;
/// not a general tanh (near 0 its relative error grows). NaN gives NaN.
BODY v8f tanh_for_gelu8(v8f u) {
    v8i bits = (v8i)u;
    v8i sign = bits & (int32_t)0x80000000;
    v8f q = (v8f)(bits & 0x7FFFFFFF);
    q = q + q;
    q = select8(q > 87.0f, (v8f){} + 87.0f, q);  // NaN stays NaN
    v8f e = exp_negative8(q);
    v8f t = (1.0f - e) / (1.0f + e);
    return (v8f)((v8i)t | sign);
}

#define GELU_TANH_K 0.7978845608028654f  // sqrt(2 / pi)
#define GELU_TANH_A 0.044715f

/// transformers' gelu_new: 0.5 x (1 + tanh(k (x + a x^3))).
BODY v8f gelu_tanh8(v8f x) {
    v8f t = tanh_for_gelu8(GELU_TANH_K * (x + GELU_TANH_A * x * x * x));
    return 0.5f * x * (1.0f + t);
}

/// dinp += dout * (0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 a x^2)), t as in gelu_tanh8.
BODY void gelu_tanh_backward_rows(float *dinp, const float *in, const float *dout, size_t count) {
    size_t i = 0;
    for (; i < count; i += 8) {
        size_t n = count - i < 8 ? count - i : 8;
        v8f x = {}, d = {}, g = {};
        memcpy(&x, in + i, n * sizeof(float));
        memcpy(&d, dout + i, n * sizeof(float));
        memcpy(&g, dinp + i, n * sizeof(float));
        v8f x2 = x * x;
        v8f t = tanh_for_gelu8(GELU_TANH_K * (x + GELU_TANH_A * x2 * x));
        v8f local = 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_TANH_K * (1.0f + 3.0f * GELU_TANH_A * x2);
        g += d * local;
        memcpy(dinp + i, &g, n * sizeof(float));
    }
}

/// Applies f to count floats: whole vectors in place, the tail through an 8-float buffer.
#define MAP8(name, f)                                                          \
    BODY void name(float *out, const float *in, size_t count) {               \
        size_t i = 0;                                                          \
        for (; i + 8 <= count; i += 8) {                                       \
            v8f x;                                                             \
            memcpy(&x, in + i, sizeof x);                                      \
            x = f(x);                                                          \
            memcpy(out + i, &x, sizeof x);                                     \
        }                                                                      \
        if (i < count) {                                                       \
            v8f x = {};                                                        \
            memcpy(&x, in + i, (count - i) * sizeof(float));                   \
            x = f(x);                                                          \
            memcpy(out + i, &x, (count - i) * sizeof(float));                  \
        }                                                                      \
    }

MAP8(erf_map, erf8)
MAP8(gelu_map, gelu8)
MAP8(gelu_tanh_map, gelu_tanh8)

/// Loads floats [i, i + n) of x into the first n lanes, zeros elsewhere (n <= 8).
BODY v8f load_partial(const float *x, size_t n) {
    v8f v = {};
    memcpy(&v, x, n * sizeof(float));
    return v;
}

/// Lane 0 + lane 1 + ... + lane 7, in that order.
BODY float sum_lanes(v8f v) {
    float s = v[0];
    for (int k = 1; k < 8; k++) s += v[k];
    return s;
}

BODY void softmax_rows(float *x, size_t N, size_t C) {
    const size_t whole = C / 8 * 8, rest = C - whole;
    for (size_t n = 0; n < N; n++) {
        float *row = x + n * C;
        // The largest value that is not NaN (-inf if none): exact, so eight lanes give what one
        // scalar pass gives.
        v8f lanes = (v8f){} - __builtin_inff();
        for (size_t i = 0; i < whole; i += 8) {
            v8f v;
            memcpy(&v, row + i, sizeof v);
            lanes = select8(v > lanes, v, lanes);
        }
        float maximum = -__builtin_inff();
        for (int k = 0; k < 8; k++) maximum = lanes[k] > maximum ? lanes[k] : maximum;
        for (size_t i = whole; i < C; i++) maximum = row[i] > maximum ? row[i] : maximum;
        v8f acc = {};
        for (size_t i = 0; i < whole; i += 8) {
            v8f v;
            memcpy(&v, row + i, sizeof v);
            v8f q = maximum - v;
            v = exp_negative8(select8(q > 87.0f, (v8f){} + 87.0f, q));  // NaN stays NaN
            acc += v;
            memcpy(row + i, &v, sizeof v);
        }
        if (rest) {
            v8f q = maximum - load_partial(row + whole, rest);
            v8f v = exp_negative8(select8(q > 87.0f, (v8f){} + 87.0f, q));  // NaN stays NaN
            for (size_t k = rest; k < 8; k++) v[k] = 0;
            acc += v;
            memcpy(row + whole, &v, rest * sizeof(float));
        }
        const float inv = 1.0f / sum_lanes(acc);
        for (size_t i = 0; i < whole; i += 8) {
            v8f v;
            memcpy(&v, row + i, sizeof v);
            v *= inv;
            memcpy(row + i, &v, sizeof v);
        }
        for (size_t i = whole; i < C; i++) row[i] *= inv;
    }
}

BODY void layernorm_rows(float *out, float *mean, float *rstd, const float *in, const float *weight,
                         const float *bias, size_t N, size_t C, float eps) {
    const size_t whole = C / 8 * 8, rest = C - whole;
    for (size_t n = 0; n < N; n++) {
        const float *x = in + n * C;
        float *o = out + n * C;
        v8f acc = {};
        for (size_t i = 0; i < whole; i += 8) { v8f v; memcpy(&v, x + i, sizeof v); acc += v; }
        if (rest) acc += load_partial(x + whole, rest);
        const float m = sum_lanes(acc) / (float)C;
        v8f dev = {};
        for (size_t i = 0; i < whole; i += 8) { v8f v; memcpy(&v, x + i, sizeof v); v -= m; dev += v * v; }
        if (rest) {
            v8f v = load_partial(x + whole, rest) - m;
            for (size_t k = rest; k < 8; k++) v[k] = 0;
            dev += v * v;
        }
        const float s = 1.0f / __builtin_sqrtf(sum_lanes(dev) / (float)C + eps);
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

void kernels_erf_baseline(float *out, const float *in, size_t count) { erf_map(out, in, count); }
void kernels_gelu_baseline(float *out, const float *in, size_t count) { gelu_map(out, in, count); }
void kernels_gelu_tanh_baseline(float *out, const float *in, size_t count) { gelu_tanh_map(out, in, count); }
void kernels_gelu_tanh_backward_baseline(float *dinp, const float *in, const float *dout, size_t count) {
    gelu_tanh_backward_rows(dinp, in, dout, count);
}
void kernels_softmax_rows_baseline(float *x, size_t N, size_t C) { softmax_rows(x, N, C); }
void kernels_layernorm_baseline(float *out, float *mean, float *rstd, const float *in, const float *weight,
                                const float *bias, size_t N, size_t C, float eps) {
    layernorm_rows(out, mean, rstd, in, weight, bias, N, C, eps);
}

// The AVX2 + FMA builds: the same bodies compiled for that target, run from
// KERNELS_LEVEL_AVX2_FMA up. Elsewhere FAST is empty and the level is the baseline, so the
// dispatch below always takes the baseline.
#if defined(__x86_64__)
#define FAST __attribute__((target("avx2,fma")))
#else
#define FAST
#endif

BODY int fast(void) { return kernels_vector_level() >= KERNELS_LEVEL_AVX2_FMA; }

static FAST void erf_avx2(float *out, const float *in, size_t count) { erf_map(out, in, count); }
static FAST void gelu_avx2(float *out, const float *in, size_t count) { gelu_map(out, in, count); }
static FAST void gelu_tanh_avx2(float *out, const float *in, size_t count) { gelu_tanh_map(out, in, count); }
static FAST void gelu_tanh_backward_avx2(float *dinp, const float *in, const float *dout, size_t count) {
    gelu_tanh_backward_rows(dinp, in, dout, count);
}
static FAST void softmax_avx2(float *x, size_t N, size_t C) { softmax_rows(x, N, C); }
static FAST void layernorm_avx2(float *out, float *mean, float *rstd, const float *in, const float *weight,
                                const float *bias, size_t N, size_t C, float eps) {
    layernorm_rows(out, mean, rstd, in, weight, bias, N, C, eps);
}

void kernels_erf(float *out, const float *in, size_t count) {
    if (fast()) erf_avx2(out, in, count); else kernels_erf_baseline(out, in, count);
}

void kernels_gelu(float *out, const float *in, size_t count) {
    if (fast()) gelu_avx2(out, in, count); else kernels_gelu_baseline(out, in, count);
}

void kernels_gelu_tanh(float *out, const float *in, size_t count) {
    if (fast()) gelu_tanh_avx2(out, in, count); else kernels_gelu_tanh_baseline(out, in, count);
}

void kernels_gelu_tanh_backward(float *dinp, const float *in, const float *dout, size_t count) {
    if (fast()) gelu_tanh_backward_avx2(dinp, in, dout, count);
    else kernels_gelu_tanh_backward_baseline(dinp, in, dout, count);
}

void kernels_softmax_rows(float *x, size_t N, size_t C) {
    if (fast()) softmax_avx2(x, N, C); else kernels_softmax_rows_baseline(x, N, C);
}

void kernels_layernorm(float *out, float *mean, float *rstd, const float *in, const float *weight,
                       const float *bias, size_t N, size_t C, float eps) {
    if (fast()) layernorm_avx2(out, mean, rstd, in, weight, bias, N, C, eps);
    else kernels_layernorm_baseline(out, mean, rstd, in, weight, bias, N, C, eps);
}
