internal import Foundation

// Shape letters: N rows (examples or token positions), V classes (vocabulary).

/// Softmax cross-entropy of each row of `logits` against an integer target; returns the mean loss.
///
/// Per row: `loss = logsumexp(logits) - logits[target]`, computed after subtracting the row
/// maximum; the mean over the N rows is accumulated in Double and rounded to Float once.
/// - losses: (N), overwritten with the per-row losses.
/// - probs: (N, V), overwritten with the softmax, kept for the backward pass. May be the
///   `logits` buffer itself (the softmax then replaces the logits, saving N·V floats).
/// - logits: (N, V). targets: (N), each in 0..<V (a precondition: callers validate data first).
public func crossEntropyForward(
    losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
    logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>, N: Int, V: Int
) -> Float {
    precondition(N > 0 && V > 0, "bad cross-entropy shape N=\(N) V=\(V)")
    var total = 0.0
    for n in 0..<N {
        let target = Int(targets[n])
        precondition(target >= 0 && target < V, "target \(target) outside 0..<\(V)")
        let x = logits + n * V
        let p = probs + n * V
        // Read before p (possibly x itself) is written.
        let targetLogit = x[target]
        var maxValue = -Float.infinity
        for i in 0..<V where x[i] > maxValue { maxValue = x[i] }
        var sum: Float = 0
        for i in 0..<V {
            let e = expf(x[i] - maxValue)
            p[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in 0..<V { p[i] *= inv }
        losses[n] = logf(sum) + maxValue - targetLogit
        total += Double(losses[n])
    }
    return Float(total / Double(N))
}

/// Adds the gradient of a weighted sum of per-row losses into `dlogits`:
/// `dlogits[n] += (probs[n] - onehot(target[n])) * dloss`.
///
/// For the mean loss returned by `crossEntropyForward` pass `dloss = 1 / N`.
/// - dlogits: (N, V), accumulated. probs: (N, V) from the forward pass. targets: (N).
public func crossEntropyBackward(
    dlogits: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
    targets: UnsafePointer<Int32>, N: Int, V: Int, dloss: Float
) {
    for n in 0..<N {
        let p = probs + n * V
        let d = dlogits + n * V
        for i in 0..<V { d[i] += p[i] * dloss }
        d[Int(targets[n])] -= dloss
    }
}

/// Replaces `probs` by the gradient of a weighted sum of per-row losses:
/// `probs[n] = probs[n] * dloss - onehot(target[n]) * dloss`, the values `crossEntropyBackward`
/// adds into a zeroed buffer, without a second (N, V) buffer.
///
/// - probs: (N, V) from the forward pass, overwritten. targets: (N).
public func crossEntropyBackwardInPlace(probs: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, N: Int, V: Int, dloss: Float) {
    for n in 0..<N {
        let p = probs + n * V
        for i in 0..<V { p[i] = p[i] * dloss }
        p[Int(targets[n])] -= dloss
    }
}
