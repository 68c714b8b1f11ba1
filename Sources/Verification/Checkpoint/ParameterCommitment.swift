/// The commitment to a model's fp32 parameters: the RFC 6962 root over the leaves of the
/// canonical parameter vector, with the sizes it covers.
///
/// The leaf count belongs with the root: an RFC 6962 proof alone does not fix the tree size.
public struct ParameterCommitment: Sendable, Hashable {
    /// RFC 6962 root over the leaves (SHA-256 of nothing for zero parameters).
    public let root: Digest
    /// Number of leaves: ceil(parameterCount / 1024).
    public let leafCount: Int
    /// Number of fp32 parameters in the canonical vector.
    public let parameterCount: Int

    public init(root: Digest, leafCount: Int, parameterCount: Int) {
        self.root = root
        self.leafCount = leafCount
        self.parameterCount = parameterCount
    }

    /// Commits to every tensor of a safetensors checkpoint, streaming over the mapped file
    /// on all cores. Throws for non-F32 tensors and for NaN or infinite values.
    public init(file: SafeTensorsFile) throws {
        self = try CanonicalParameters(file: file).commitment()
    }

    /// Commits to an in-memory canonical parameter vector. Throws for NaN or infinite values.
    public init(parameters: [Float]) throws {
        self = try CanonicalParameters(parameters: parameters).commitment()
    }
}
