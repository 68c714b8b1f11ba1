import Foundation

// Naive twins of the sequence kernels (attention, cross-entropy, embeddings), in Double,
// as plain loops over the defining equations (llm.c's reference loops).
extension Naive {
    /// Causal attention over packed inp (B,T,3C) -> out (B,T,C).
    static func attention(_ inp: [Double], B: Int, T: Int, C: Int, NH: Int) -> [Double] {
        let hs = C / NH
        let scale = 1 / Double(hs).squareRoot()
        var out = [Double](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<T {
                    let q = b * T * 3 * C + t * 3 * C + h * hs
                    var scores = [Double](repeating: 0, count: t + 1)
                    for j in 0...t {
                        let k = b * T * 3 * C + j * 3 * C + C + h * hs
                        for i in 0..<hs { scores[j] += inp[q + i] * inp[k + i] }
                        scores[j] *= scale
                    }
                    let weights = softmax(scores, N: 1, C: t + 1)
                    for j in 0...t {
                        let v = b * T * 3 * C + j * 3 * C + 2 * C + h * hs
                        for i in 0..<hs { out[b * T * C + t * C + h * hs + i] += weights[j] * inp[v + i] }
                    }
                }
            }
        }
        return out
    }

    /// Gradient of Σ dout·attention with respect to inp, by the chain rule written out per score.
    static func attentionBackward(_ dout: [Double], _ inp: [Double], B: Int, T: Int, C: Int, NH: Int) -> [Double] {
        let hs = C / NH
        let scale = 1 / Double(hs).squareRoot()
        var dinp = [Double](repeating: 0, count: inp.count)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<T {
                    let q = b * T * 3 * C + t * 3 * C + h * hs
                    let key = { (j: Int) in b * T * 3 * C + j * 3 * C + C + h * hs }
                    var scores = [Double](repeating: 0, count: t + 1)
                    for j in 0...t {
                        for i in 0..<hs { scores[j] += inp[q + i] * inp[key(j) + i] }
                        scores[j] *= scale
                    }
                    let w = softmax(scores, N: 1, C: t + 1)
                    let o = b * T * C + t * C + h * hs
                    var dw = [Double](repeating: 0, count: t + 1)
                    for j in 0...t {
                        let v = key(j) + C
                        for i in 0..<hs {
                            dw[j] += dout[o + i] * inp[v + i]
                            dinp[v + i] += w[j] * dout[o + i]
                        }
                    }
                    for j in 0...t {
                        var ds = 0.0
                        for l in 0...t { ds += dw[l] * w[l] * ((l == j ? 1 : 0) - w[j]) }
                        for i in 0..<hs {
                            dinp[q + i] += ds * scale * inp[key(j) + i]
                            dinp[key(j) + i] += ds * scale * inp[q + i]
                        }
                    }
                }
            }
        }
        return dinp
    }

    /// Per-row cross-entropy losses of logits (N,V) against targets (N).
    static func crossEntropy(_ logits: [Double], _ targets: [Int32], N: Int, V: Int) -> [Double] {
        (0..<N).map { n in
            let row = logits[n * V..<(n + 1) * V]
            let m = row.max()!
            return log(row.reduce(0) { $0 + exp($1 - m) }) + m - row[n * V + Int(targets[n])]
        }
    }

    /// out (B,T,C) = wte[tokens] + wpe[t].
    static func encoder(_ tokens: [Int32], _ wte: [Double], _ wpe: [Double], B: Int, T: Int, C: Int) -> [Double] {
        var out = [Double](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for t in 0..<T {
                for c in 0..<C { out[(b * T + t) * C + c] = wte[Int(tokens[b * T + t]) * C + c] + wpe[t * C + c] }
            }
        }
        return out
    }
}
