import Foundation

// Naive twins of the tensor kernels: plain loops in Double, written from the defining
// equations, so that the fast Float kernels and finite differences can both be checked
// against them. Shape letters as in the kernels: N rows, C channels, OC output channels,
// B batch, T tokens, NH heads, V vocab.
enum Naive {
    /// out (N,OC) = inp (N,C) · weight (OC,C)ᵀ + bias (OC).
    static func matmul(_ inp: [Double], _ weight: [Double], _ bias: [Double]?, N: Int, C: Int, OC: Int) -> [Double] {
        var out = [Double](repeating: 0, count: N * OC)
        for n in 0..<N {
            for o in 0..<OC {
                var s = bias?[o] ?? 0
                for c in 0..<C { s += inp[n * C + c] * weight[o * C + c] }
                out[n * OC + o] = s
            }
        }
        return out
    }

    /// Gradients (dinp (N,C), dweight (OC,C), dbias (OC)) of Σ dout·matmul.
    static func matmulBackward(_ dout: [Double], _ inp: [Double], _ weight: [Double], N: Int, C: Int, OC: Int)
        -> (dinp: [Double], dweight: [Double], dbias: [Double]) {
        var dinp = [Double](repeating: 0, count: N * C)
        var dweight = [Double](repeating: 0, count: OC * C)
        var dbias = [Double](repeating: 0, count: OC)
        for n in 0..<N {
            for o in 0..<OC {
                let g = dout[n * OC + o]
                dbias[o] += g
                for c in 0..<C {
                    dinp[n * C + c] += g * weight[o * C + c]
                    dweight[o * C + c] += g * inp[n * C + c]
                }
            }
        }
        return (dinp, dweight, dbias)
    }

    /// Row-wise layer norm of inp (N,C) with weight, bias (C).
    static func layerNorm(_ inp: [Double], _ weight: [Double], _ bias: [Double], N: Int, C: Int, eps: Double) -> [Double] {
        var out = [Double](repeating: 0, count: N * C)
        for n in 0..<N {
            let row = Array(inp[n * C..<(n + 1) * C])
            let mean = row.reduce(0, +) / Double(C)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(C)
            let rstd = 1 / (variance + eps).squareRoot()
            for c in 0..<C { out[n * C + c] = (row[c] - mean) * rstd * weight[c] + bias[c] }
        }
        return out
    }

    /// Gradients of Σ dout·layerNorm by the chain rule through mean and variance, term by term.
    static func layerNormBackward(_ dout: [Double], _ inp: [Double], _ weight: [Double], N: Int, C: Int, eps: Double)
        -> (dinp: [Double], dweight: [Double], dbias: [Double]) {
        var dinp = [Double](repeating: 0, count: N * C)
        var dweight = [Double](repeating: 0, count: C)
        var dbias = [Double](repeating: 0, count: C)
        let count = Double(C)
        for n in 0..<N {
            let x = Array(inp[n * C..<(n + 1) * C])
            let mean = x.reduce(0, +) / count
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
            let rstd = 1 / (variance + eps).squareRoot()
            var dxhat = [Double](repeating: 0, count: C)
            for c in 0..<C {
                let g = dout[n * C + c]
                dbias[c] += g
                dweight[c] += g * (x[c] - mean) * rstd
                dxhat[c] = g * weight[c]
            }
            // xhat = (x - mean) * rstd; dvar and dmean collect the paths through the statistics.
            var dvar = 0.0
            for c in 0..<C { dvar += dxhat[c] * (x[c] - mean) * -0.5 * pow(variance + eps, -1.5) }
            var dmean = 0.0
            for c in 0..<C { dmean += -dxhat[c] * rstd }
            for c in 0..<C { dmean += dvar * -2 * (x[c] - mean) / count }
            for c in 0..<C {
                dinp[n * C + c] = dxhat[c] * rstd + dvar * 2 * (x[c] - mean) / count + dmean / count
            }
        }
        return (dinp, dweight, dbias)
    }

    static func gelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }
    static func geluDerivative(_ x: Double) -> Double {
        0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// transformers' `gelu_new`: 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))).
    static func geluTanh(_ x: Double) -> Double { 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) }
    static func geluTanhDerivative(_ x: Double) -> Double {
        let k = (2 / Double.pi).squareRoot()
        let t = tanh(k * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
    }

    /// Row-wise softmax of x (N,C).
    static func softmax(_ x: [Double], N: Int, C: Int) -> [Double] {
        var out = x
        for n in 0..<N {
            let row = x[n * C..<(n + 1) * C]
            let m = row.max()!
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            for c in 0..<C { out[n * C + c] = e[c] / s }
        }
        return out
    }
}
