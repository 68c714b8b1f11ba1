internal import Foundation

// Element-wise kernels over `count` contiguous floats. Unless a doc comment says otherwise,
// `out` may alias `inp` (each element is read before it is written).

/// Exact GELU: `out = 0.5 * x * (1 + erf(x / sqrt(2)))`, the form BERT and our GPT use, with
/// `erf` from `vectorErf` (within 1 ulp of libm's `erff`), eight lanes at a time.
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    let invSqrt2: Float = 0.70710678118654752
    var i = 0
    while i < count {
        let n = min(8, count - i)
        var x = SIMD8<Float>()
        if n == 8 {
            x = UnsafeRawPointer(inp + i).loadUnaligned(as: SIMD8<Float>.self)
        } else {
            for lane in 0..<n { x[lane] = inp[i + lane] }
        }
        let y = 0.5 * x * (1 + vectorErf(x * invSqrt2))
        if n == 8 {
            UnsafeMutableRawPointer(out + i).storeBytes(of: y, as: SIMD8<Float>.self)
        } else {
            for lane in 0..<n { out[i + lane] = y[lane] }
        }
        i += n
    }
}

/// The error function of each lane in fp32, with vector operations only (no branches or calls).
///
/// The polynomials are N. Juffa's faithfully rounded `erff` (the ones onnxruntime's MLAS uses):
/// for |x| < 0.921875, `erf(x) = x + x·p(x²)`; above, `erf(x) = 1 - exp(-(t + t·q(t)))` with
/// t = |x| clamped to 3.925 (where erf rounds to 1 in fp32). Here they are evaluated with
/// separate multiplies and adds (no FMA in the baseline x86-64 target), and `exp` is a
/// Cody-Waite reduction with a degree-7 Taylor polynomial; tests bound the result within 2 ulp
/// of libm's `erff` over [-6, 6] (1 ulp measured). NaN gives NaN.
@inline(__always)
public func vectorErf(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let signBits = unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x8000_0000
    let t = pointwiseMin(unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self),
                         SIMD8(repeating: 3.925))
    let s = t * t
    var p = SIMD8<Float>(repeating: -5.99104969e-4)
    p = p * s + 4.99339588e-3
    p = p * s - 2.67667342e-2
    p = p * s + 1.12818025e-1
    p = p * s - 3.76124859e-1
    p = p * s + 1.28379151e-1
    let small = t + t * p
    var q = 1.72948930e-5 * t - 3.83208680e-4
    q = q * s + (3.88393435e-3 * t - 2.42545605e-2)
    q = q * t + 1.06777847e-1
    q = q * t + 6.34846687e-1
    q = q * t + 1.28717512e-1
    q = q * t + t
    let large = 1 - expOfNegative(q)
    let r = small.replacing(with: large, where: t .>= 0.921875)
    let signed = unsafeBitCast(unsafeBitCast(r, to: SIMD8<UInt32>.self) | signBits, to: SIMD8<Float>.self)
    return signed.replacing(with: x, where: x .!= x)
}

/// e^-q per lane for q in [0, 32]: q·log2(e) = n + f with n an integer (rounded with the
/// 1.5·2^23 trick, which also leaves n in the low bits), e^-q = 2^-n · e^r with
/// r = -q + n·ln 2 in [-ln2/2, ln2/2] (ln 2 split in two parts for exactness), e^r by its
/// Taylor polynomial of degree 7 (truncation error under 1e-8 on that interval).
@inline(__always)
private func expOfNegative(_ q: SIMD8<Float>) -> SIMD8<Float> {
    let shifter: Float = 12_582_912  // 1.5 · 2^23
    let m = q * 1.44269504 + shifter
    let n = m - shifter
    let r = (n * 0.693145752 - q) + n * 1.42860677e-6
    var e = SIMD8<Float>(repeating: 1.0 / 5040)
    e = e * r + 1.0 / 720
    e = e * r + 1.0 / 120
    e = e * r + 1.0 / 24
    e = e * r + 1.0 / 6
    e = e * r + 0.5
    e = e * r + 1
    e = e * r + 1
    let k = unsafeBitCast(m, to: SIMD8<UInt32>.self) &- shifter.bitPattern
    return e * unsafeBitCast((127 &- k) &<< 23, to: SIMD8<Float>.self)
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
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, N: Int, C: Int) {
    for n in 0..<N {
        let row = x + n * C
        var maxValue = -Float.infinity
        for i in 0..<C where row[i] > maxValue { maxValue = row[i] }
        var sum: Float = 0
        for i in 0..<C {
            let e = expf(row[i] - maxValue)
            row[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in 0..<C { row[i] *= inv }
    }
}
