internal import CKernels
internal import Foundation

// Element-wise kernels over `count` contiguous floats. Unless a doc comment says otherwise,
// `out` may alias `inp` (each element is read before it is written).

/// Exact GELU: `out = 0.5 * x * (1 + erf(x / sqrt(2)))`, the form BERT and our GPT use, with
/// the erf of `erfForward`, eight lanes at a time (Sources/CKernels/activations.c: AVX2 + FMA
/// where the CPU has them, else the baseline x86-64 instructions).
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    kernels_gelu(out, inp, count)
}

/// `out = erf(inp)` in fp32 without libm calls: N. Juffa's faithfully rounded `erff`
/// polynomials (the ones onnxruntime's MLAS uses), within 2 ulp of libm's `erff` (1 ulp
/// measured over [-6, 6]); erf is odd, saturates to ±1, and NaN gives NaN.
public func erfForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    kernels_erf(out, inp, count)
}

/// Adds the gradient of exact GELU into `dinp`: `dinp += dout * (Φ(x) + x φ(x))`.
///
/// - dinp, inp, dout: (count); inp is the forward pass's input.
public func geluBackward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                         dout: UnsafePointer<Float>, count: Int) {
    let invSqrt2: Float = 0.70710678118654752
    let invSqrt2Pi: Float = 0.39894228040143268
    for i in 0..<count {
        let x = inp[i]
        let cdf = 0.5 * (1 + erff(x * invSqrt2))
        let pdf = invSqrt2Pi * expf(-0.5 * x * x)
        dinp[i] += dout[i] * (cdf + x * pdf)
    }
}

/// GELU in its tanh form (Hugging Face's `gelu_new`, GPT-2's):
/// `out = 0.5 * x * (1 + tanh(sqrt(2/π) * (x + 0.044715 * x³)))`, eight lanes at a time
/// (Sources/CKernels/activations.c; tanh from the vector exp, within about 2e-7 of libm's in
/// `1 + tanh`, where glibc's `tanhf` made GELU about 10% of a GPT-2 training step).
public func geluTanhForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    kernels_gelu_tanh(out, inp, count)
}

/// Adds the gradient of `geluTanhForward` into `dinp`:
/// `dinp += dout * (0.5 (1 + t) + 0.5 x (1 - t²) k (1 + 3a x²))` with `t = tanh(k (x + a x³))`.
///
/// - dinp, inp, dout: (count); inp is the forward pass's input.
public func geluTanhBackward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                             dout: UnsafePointer<Float>, count: Int) {
    kernels_gelu_tanh_backward(dinp, inp, dout, count)
}

/// Hyperbolic tangent: `out = tanh(inp)`.
public func tanhForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = tanhf(inp[i]) }
}

/// Adds the gradient of tanh into `dinp`: `dinp += dout * (1 - out²)`.
///
/// - dinp, out, dout: (count); out is the forward pass's output.
public func tanhBackward(dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>,
                         dout: UnsafePointer<Float>, count: Int) {
    for i in 0..<count {
        let y = out[i]
        dinp[i] += dout[i] * (1 - y * y)
    }
}

/// Rectified linear unit: `out = max(inp, 0)`.
public func reluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = inp[i] > 0 ? inp[i] : 0 }
}

/// Adds the gradient of ReLU into `dinp`: `dinp += dout` where `out > 0` (the derivative at 0 is 0).
///
/// - dinp, out, dout: (count); out is the forward pass's output.
public func reluBackward(dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>,
                         dout: UnsafePointer<Float>, count: Int) {
    for i in 0..<count where out[i] > 0 { dinp[i] += dout[i] }
}

/// Accumulates `acc += x` element-wise (a residual connection, or a gradient fan-in).
public func addInPlace(_ acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { acc[i] += x[i] }
}

/// Writes `out = a + b` element-wise; `out` may alias either input.
public func residualForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>,
                            b: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = a[i] + b[i] }
}

/// Replaces each row of `x` (N, C) by its softmax, subtracting the row maximum first.
/// Vectorised in Sources/CKernels/activations.c: exp by a polynomial within about 2e-7
/// relative of libm's, sums in eight lanes; a NaN in a row makes the whole row NaN.
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, N: Int, C: Int) {
    kernels_softmax_rows(x, N, C, 1, nil)
}
