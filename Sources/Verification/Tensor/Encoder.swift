// Shape letters: B batch, T tokens, C channels, V vocabulary, maxT rows of the position table.

/// Sums token and position embeddings: `out[b, t] = wte[tokens[b, t]] + wpe[t]`.
///
/// - out: (B, T, C), overwritten. tokens: (B, T), each in 0..<V (a precondition).
/// - wte: (V, C). wpe: (maxT, C) with maxT >= T.
public func encoderForward(
    out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, wte: UnsafePointer<Float>,
    wpe: UnsafePointer<Float>, B: Int, T: Int, C: Int, V: Int
) {
    for b in 0..<B {
        for t in 0..<T {
            let token = Int(tokens[b * T + t])
            precondition(token >= 0 && token < V, "token \(token) outside 0..<\(V)")
            let o = out + (b * T + t) * C
            let e = wte + token * C
            let p = wpe + t * C
            for c in 0..<C { o[c] = e[c] + p[c] }
        }
    }
}

/// Adds the gradients of `encoderForward` into the embedding tables' gradients.
///
/// - dwte: (V, C), dwpe: (maxT, C), accumulated. dout: (B, T, C). tokens: (B, T).
public func encoderBackward(
    dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, B: Int, T: Int, C: Int
) {
    for b in 0..<B {
        for t in 0..<T {
            let d = dout + (b * T + t) * C
            let e = dwte + Int(tokens[b * T + t]) * C
            let p = dwpe + t * C
            for c in 0..<C {
                e[c] += d[c]
                p[c] += d[c]
            }
        }
    }
}
