#ifndef VERIFIER_ACTIVATIONS_H
#define VERIFIER_ACTIVATIONS_H

#include <stddef.h>

/// out[i] = erf(in[i]) in fp32, within 2 ulp of libm's erff (N. Juffa's polynomials).
/// `out` may equal `in`.
void kernels_erf(float *out, const float *in, size_t count);

/// Exact (erf-form) GELU: out[i] = 0.5 x (1 + erf(x / sqrt 2)). `out` may equal `in`.
void kernels_gelu(float *out, const float *in, size_t count);

/// transformers' gelu_new (GPT-2's tanh GELU): out[i] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
/// tanh from the vector exp (about 2e-7 absolute in 1 + tanh). `out` may equal `in`.
void kernels_gelu_tanh(float *out, const float *in, size_t count);

/// Adds gelu_new's gradient: dinp[i] += dout[i] * d gelu_new(in[i]) / dx. `in` is the forward input.
void kernels_gelu_tanh_backward(float *dinp, const float *in, const float *dout, size_t count);

/// LayerNorm of N rows of C floats: out = (x - mean) * rstd * weight + bias with
/// rstd = 1 / sqrt(var + eps), mean and variance (two passes) summed in eight lanes and then
/// lane 0 to 7, so the result does not depend on alignment or on the build. `mean` and `rstd` (N each) may
/// be NULL; `out` may equal `in`.
void kernels_layernorm(float *out, float *mean, float *rstd, const float *in, const float *weight,
                       const float *bias, size_t N, size_t C, float eps);

/// Softmax of each of N rows of C floats scaled by `scale` (> 0), in place: the softmax of
/// scale x, computed as exp(-scale (max - x)) / sum (scale 1 multiplies exactly). exp is a
/// vector polynomial within about 2e-7 relative of libm's expf; arguments below -87 give
/// 2^-126 scaled values instead of smaller ones (a difference under 1.2e-38 per element).
/// With `inverse_sums` (N floats) the rows are left as exp(-scale (max - x)) and 1 / sum is
/// stored there instead (a caller that multiplies the rows by a matrix scales the product).
void kernels_softmax_rows(float *x, size_t N, size_t C, float scale, float *inverse_sums);

/// Each kernel in the build of `level` (a KERNELS_LEVEL_ value), or of the CPU's widest
/// supported level below it; the functions above run the build of `kernels_vector_level()`.
/// AVX2 + FMA and AVX-512 give the same bits; the baseline build differs where the others fuse
/// a multiply and an add (tests compare them all).
void kernels_erf_at(int level, float *out, const float *in, size_t count);
void kernels_gelu_at(int level, float *out, const float *in, size_t count);
void kernels_gelu_tanh_at(int level, float *out, const float *in, size_t count);
void kernels_gelu_tanh_backward_at(int level, float *dinp, const float *in, const float *dout, size_t count);
void kernels_softmax_rows_at(int level, float *x, size_t N, size_t C, float scale, float *inverse_sums);
void kernels_layernorm_at(int level, float *out, float *mean, float *rstd, const float *in, const float *weight,
                          const float *bias, size_t N, size_t C, float eps);

#endif
