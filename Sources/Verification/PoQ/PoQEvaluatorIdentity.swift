/// Names the evaluator by what determines its scores: verifiers agree on a score only when
/// their identities are equal (docs/protocol-parts/poq.md).
///
/// identity = "poq/1 <mode> sha256:<hex>", hex = SHA-256("poq/1/evaluator" || descriptor JSON)
/// where the descriptor is ``PoQEvaluatorDescriptor/json``. Two checkpoints that differ only in
/// how their files were written (a `bert.` prefix, a `position_ids` buffer, tensor order,
/// vocab.txt or tokenizer.json) have one identity; a change that can change a score changes it.
public struct PoQEvaluatorIdentity: Sendable, Hashable, CustomStringConvertible {
    /// Domain-separation label of the digest: the 15 ASCII bytes "poq/1/evaluator".
    public static let label: [UInt8] = Array("poq/1/evaluator".utf8)

    public let mode: PoQMode
    /// SHA-256("poq/1/evaluator" || descriptor JSON).
    public let digest: Digest
    /// The root of the canonical weights' commitment, also inside the descriptor.
    public let weightsRoot: Digest

    /// An identity as a predicate states it.
    public init(mode: PoQMode, digest: Digest, weightsRoot: Digest) {
        self.mode = mode
        self.digest = digest
        self.weightsRoot = weightsRoot
    }

    /// The identity of the evaluator `descriptor` describes.
    public init(_ descriptor: PoQEvaluatorDescriptor) {
        self.init(mode: descriptor.mode, digest: SHA256.hash(Self.label + descriptor.json), weightsRoot: descriptor.weights.root)
    }

    /// "poq/1 <mode> sha256:<hex>".
    public var description: String { "poq/1 \(mode.rawValue) sha256:\(digest.hex)" }
}
