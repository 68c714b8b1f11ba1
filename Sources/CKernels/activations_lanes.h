// The element-wise kernels and softmax rows in vectors of LANES floats (8 or 16), included
// once per width by activations.c, which defines LANES, VF, VI, VU and NAMED (a name with the
// width appended). Element by element the arithmetic is the same whatever the width, and
// softmax sums in eight lanes in one order, so the widths give the same bits.

/// Loads floats [0, n) of x into the first n lanes, zeros elsewhere (n <= LANES).
BODY VF NAMED(load_partial)(const float *x, size_t n) {
    VF v = {};
    memcpy(&v, x, n * sizeof(float));
    return v;
}

/// acc += v, eight lanes at a time: for 16 lanes, the low half and then the high half.
BODY void NAMED(accumulate)(v8f *acc, VF v) {
#if LANES == 8
    *acc += v;
#else
    *acc += __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7);
    *acc += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
#endif
}

BODY VF NAMED(select)(VI mask, VF yes, VF no) { return (VF)(((VI)yes & mask) | ((VI)no & ~mask)); }

/// e^-q for q in [0, 87] (callers clamp): q log2(e) = n + f with n an integer (rounded by adding 1.5 * 2^23,
/// which also leaves n in the low mantissa bits), e^-q = 2^-n e^r with r = n ln 2 - q in
/// [-ln2/2, ln2/2] (ln 2 in two parts for exactness), e^r by its degree-7 Taylor polynomial.
BODY VF NAMED(exp_negative)(VF q) {
    const float shifter = 12582912.0f;  // 1.5 * 2^23
    VF m = q * 1.44269504f + shifter;
    VF n = m - shifter;
    VF r = (n * 0.693145752f - q) + n * 1.42860677e-6f;
    VF e = r * (1.0f / 5040) + (1.0f / 720);
    e = e * r + (1.0f / 120);
    e = e * r + (1.0f / 24);
    e = e * r + (1.0f / 6);
    e = e * r + 0.5f;
    e = e * r + 1.0f;
    e = e * r + 1.0f;
    // n sits in the low bits of m's pattern; the exponent arithmetic is unsigned so that a NaN
    // (whose garbage n makes 127 - n negative) wraps instead of shifting a negative number.
    VU k = (VU)m - 0x4B400000u;
    return e * (VF)((127u - k) << 23);
}

/// N. Juffa's faithfully rounded erff (the polynomials onnxruntime's MLAS uses): for
/// |x| < 0.921875, erf(x) = x + x p(x^2); above, erf(x) = 1 - exp(-(t + t q(t))) with
/// t = |x| clamped to 3.925 (where erf rounds to 1 in fp32). NaN gives NaN.
BODY VF NAMED(erf)(VF x) {
    VI bits = (VI)x;
    VI sign = bits & (int32_t)0x80000000;
    VF a = (VF)(bits & 0x7FFFFFFF);
    VF t = NAMED(select)(a < 3.925f, a, (VF){} + 3.925f);
    VF s = t * t;
    VF p = s * -5.99104969e-4f + 4.99339588e-3f;
    p = p * s - 2.67667342e-2f;
    p = p * s + 1.12818025e-1f;
    p = p * s - 3.76124859e-1f;
    p = p * s + 1.28379151e-1f;
    VF small = t + t * p;
    VF q = t * 1.72948930e-5f - 3.83208680e-4f;
    q = q * s + (t * 3.88393435e-3f - 2.42545605e-2f);
    q = q * t + 1.06777847e-1f;
    q = q * t + 6.34846687e-1f;
    q = q * t + 1.28717512e-1f;
    q = q * t + t;
    VF large = 1.0f - NAMED(exp_negative)(q);
    VF r = NAMED(select)(t >= 0.921875f, large, small);
    VF signed_r = (VF)((VI)r | sign);
    return NAMED(select)(x != x, x, signed_r);
}

BODY VF NAMED(gelu)(VF x) { return 0.5f * x * (1.0f + NAMED(erf)(x * 0.70710678118654752f)); }

/// tanh(u) = sign(u) (1 - e) / (1 + e) with e = e^-2|u| (2|u| clamped to 87, where tanh rounds
/// to 1). Accurate in absolute terms (about 2e-7), which is what GELU's 1 + t and 1 - t^2 need;
/// not a general tanh (near 0 its relative error grows). NaN gives NaN.
BODY VF NAMED(tanh_for_gelu)(VF u) {
    VI bits = (VI)u;
    VI sign = bits & (int32_t)0x80000000;
    VF q = (VF)(bits & 0x7FFFFFFF);
    q = q + q;
    q = NAMED(select)(q > 87.0f, (VF){} + 87.0f, q);  // NaN stays NaN
    VF e = NAMED(exp_negative)(q);
    VF t = (1.0f - e) / (1.0f + e);
    return (VF)((VI)t | sign);
}

/// transformers' gelu_new: 0.5 x (1 + tanh(k (x + a x^3))).
BODY VF NAMED(gelu_tanh)(VF x) {
    VF t = NAMED(tanh_for_gelu)(GELU_TANH_K * (x + GELU_TANH_A * x * x * x));
    return 0.5f * x * (1.0f + t);
}

/// dinp += dout * (0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 a x^2)), t as in gelu_tanh8.
BODY void NAMED(gelu_tanh_backward_rows)(float *dinp, const float *in, const float *dout, size_t count) {
    size_t i = 0;
    for (; i < count; i += LANES) {
        size_t n = count - i < LANES ? count - i : LANES;
        VF x = {}, d = {}, g = {};
        memcpy(&x, in + i, n * sizeof(float));
        memcpy(&d, dout + i, n * sizeof(float));
        memcpy(&g, dinp + i, n * sizeof(float));
        VF x2 = x * x;
        VF t = NAMED(tanh_for_gelu)(GELU_TANH_K * (x + GELU_TANH_A * x2 * x));
        VF local = 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_TANH_K * (1.0f + 3.0f * GELU_TANH_A * x2);
        g += d * local;
        memcpy(dinp + i, &g, n * sizeof(float));
    }
}

/// Applies f to count floats: whole vectors in place, the tail through a one-vector buffer.
#define MAP(name, f)                                                          \
    BODY void name(float *out, const float *in, size_t count) {               \
        size_t i = 0;                                                          \
        for (; i + LANES <= count; i += LANES) {                                       \
            VF x;                                                             \
            memcpy(&x, in + i, sizeof x);                                      \
            x = f(x);                                                          \
            memcpy(out + i, &x, sizeof x);                                     \
        }                                                                      \
        if (i < count) {                                                       \
            VF x = {};                                                        \
            memcpy(&x, in + i, (count - i) * sizeof(float));                   \
            x = f(x);                                                          \
            memcpy(out + i, &x, (count - i) * sizeof(float));                  \
        }                                                                      \
    }

MAP(NAMED(erf_map), NAMED(erf))
MAP(NAMED(gelu_map), NAMED(gelu))
MAP(NAMED(gelu_tanh_map), NAMED(gelu_tanh))
#undef MAP

BODY void NAMED(softmax_rows)(float *x, size_t N, size_t C, float scale, float *inverse_sums) {
    const size_t whole = C / LANES * LANES, rest = C - whole;
    for (size_t n = 0; n < N; n++) {
        float *row = x + n * C;
        // The largest value that is not NaN (-inf if none): exact, so any number of lanes gives
        // what one scalar pass gives.
        VF lanes = (VF){} - __builtin_inff();
        for (size_t i = 0; i < whole; i += LANES) {
            VF v;
            memcpy(&v, row + i, sizeof v);
            lanes = NAMED(select)(v > lanes, v, lanes);
        }
        float maximum = -__builtin_inff();
        for (int k = 0; k < LANES; k++) maximum = lanes[k] > maximum ? lanes[k] : maximum;
        for (size_t i = whole; i < C; i++) maximum = row[i] > maximum ? row[i] : maximum;
        v8f acc = {};  // eight lanes whatever LANES, so that the sum keeps one order
        for (size_t i = 0; i < whole; i += LANES) {
            VF v;
            memcpy(&v, row + i, sizeof v);
            VF q = (maximum - v) * scale;
            v = NAMED(exp_negative)(NAMED(select)(q > 87.0f, (VF){} + 87.0f, q));  // NaN stays NaN
            NAMED(accumulate)(&acc, v);
            memcpy(row + i, &v, sizeof v);
        }
        if (rest) {
            VF q = (maximum - NAMED(load_partial)(row + whole, rest)) * scale;
            VF v = NAMED(exp_negative)(NAMED(select)(q > 87.0f, (VF){} + 87.0f, q));  // NaN stays NaN
            for (size_t k = rest; k < LANES; k++) v[k] = 0;
            NAMED(accumulate)(&acc, v);
            memcpy(row + whole, &v, rest * sizeof(float));
        }
        const float inv = 1.0f / sum_lanes8(acc);
        if (inverse_sums) {
            inverse_sums[n] = inv;
            continue;
        }
        for (size_t i = 0; i < whole; i += LANES) {
            VF v;
            memcpy(&v, row + i, sizeof v);
            v *= inv;
            memcpy(row + i, &v, sizeof v);
        }
        for (size_t i = whole; i < C; i++) row[i] *= inv;
    }
}
