internal import Foundation
internal import Verification

/// What `verifier bench-poq --dump` writes: the encoder's outputs on the bench pairs in the
/// bench's own batching, so scripts/bench-poq can check them against onnxruntime and the
/// float64 numpy reference before it times anything.
///
/// JSON object: `impl` "swift", `batch`, `seq` (a number, or "unpadded"), `threads` (the
/// OpenBLAS thread count in effect), `paddedLengths` (T of each batch, in order), and per pair
/// in file order `ids` (token ids), `hidden` (the last hidden states of its real tokens,
/// row-major, length × channels) and `embeddings` (mean-pooled, L2-normalised).
/// Floats are written in their shortest round-trip decimal form, non-finite ones as null.
struct PoQBenchDump {
    let batch: Int
    let seq: Int?
    let threads: Int
    let paddedLengths: [Int]
    let ids: [[Int32]]
    let hidden: [[Float]]
    let embeddings: [[Float]]

    /// Collects the outputs of `states`, one per batch of `batches`, which it was computed from.
    init(batch: Int, seq: Int?, threads: Int, batches: [[BertEncoding]], states: [BertHiddenStates]) {
        precondition(batches.count == states.count, "one hidden state set per batch")
        self.batch = batch
        self.seq = seq
        self.threads = threads
        paddedLengths = states.map(\.paddedLength)
        ids = batches.flatMap { $0.map(\.ids) }
        hidden = states.flatMap { s in
            (0..<s.batchSize).map { b in (0..<s.lengths[b]).flatMap { s.row(b, $0) } }
        }
        embeddings = states.flatMap { $0.meanPooledNormalized() }
    }

    /// The JSON text, one line.
    var json: String {
        func list<T>(_ values: [T], _ item: (T) -> String) -> String {
            "[" + values.map(item).joined(separator: ",") + "]"
        }
        // JSON has no NaN or infinity; null makes the checker fail loudly instead.
        let floats = { (row: [Float]) in list(row) { $0.isFinite ? "\($0)" : "null" } }
        let seqText = seq.map(String.init) ?? "\"unpadded\""
        return "{\"impl\":\"swift\",\"batch\":\(batch),\"seq\":\(seqText),\"threads\":\(threads),"
            + "\"paddedLengths\":\(list(paddedLengths) { "\($0)" }),"
            + "\"ids\":\(list(ids) { list($0) { "\($0)" } }),"
            + "\"hidden\":\(list(hidden, floats)),\"embeddings\":\(list(embeddings, floats))}"
    }
}
