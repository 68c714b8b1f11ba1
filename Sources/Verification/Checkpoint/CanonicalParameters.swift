#if canImport(Glibc)
internal import Glibc
#endif

/// The canonical parameter vector of a model and its division into Merkle leaves.
///
/// Canonical vector (pogo/1): tensors in byte-wise UTF-8 name order, each row-major, fp32
/// little-endian, concatenated. Leaf i is parameters [1024 i, 1024 (i + 1)), i.e. 4096
/// bytes; the last leaf may be shorter, and a leaf may span tensor boundaries. The vector
/// is never copied: leaves are read in place from the mapped file (or array) and only a leaf
/// that spans tensors stored apart is gathered into a per-thread 4 KiB buffer.
public final class CanonicalParameters: @unchecked Sendable {
    /// Parameters per leaf.
    public static let parametersPerLeaf = 1024
    /// Bytes per full leaf.
    public static let leafByteCount = parametersPerLeaf * MemoryLayout<Float>.size

    /// Number of fp32 parameters.
    public let parameterCount: Int
    /// Number of leaves, ceil(parameterCount / 1024).
    public var leafCount: Int { (parameterCount + Self.parametersPerLeaf - 1) / Self.parametersPerLeaf }

    private enum Backing {
        case file(SafeTensorsFile)
        case floats([Float])
    }

    private let backing: Backing
    private let layout: CanonicalLayout

    /// The vector of all tensors of `file`. Throws `notFloat32` for any other dtype.
    public convenience init(file: SafeTensorsFile) throws {
        try self.init(file: file, tensors: file.entries.map { (name: $0.name, entry: $0) })
    }

    /// The vector of some tensors of `file`, each under a name of the caller's choosing: the
    /// canonical order is that of these names, not of the names in the file. Throws
    /// `notFloat32` (with the given name) for any dtype but F32.
    ///
    /// Requires distinct names and entries of `file`. This is how a model read under another
    /// naming (e.g. without a `bert.` prefix, or without buffers the model never reads) gets
    /// the commitment of the tensors it uses, whatever the file's own names and layout.
    public init(file: SafeTensorsFile, tensors: [(name: String, entry: SafeTensorsFile.Entry)]) throws {
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        precondition(zip(sorted, sorted.dropFirst()).allSatisfy { $0.name != $1.name }, "tensor names must be distinct")
        var segments: [CanonicalLayout.Segment] = []
        var start = 0
        for (name, entry) in sorted {
            guard entry.dtype == .f32 else { throw CommitmentError.notFloat32(tensor: name, dtype: entry.dtype) }
            if entry.byteRange.isEmpty { continue }
            segments.append(.init(name: name, start: start, offset: entry.byteRange.lowerBound, count: entry.byteRange.count))
            start += entry.byteRange.count
        }
        backing = .file(file)
        layout = CanonicalLayout(segments: segments, totalBytes: start)
        parameterCount = start / MemoryLayout<Float>.size
    }

    /// An in-memory canonical vector (already in canonical order), e.g. weights being trained.
    public init(parameters: [Float]) {
        let bytes = parameters.count * MemoryLayout<Float>.size
        backing = .floats(parameters)
        layout = CanonicalLayout(
            segments: bytes == 0 ? [] : [.init(name: CanonicalLayout.vectorName, start: 0, offset: 0, count: bytes)],
            totalBytes: bytes)
        parameterCount = parameters.count
    }

    /// The commitment: root, leaf count and parameter count. Throws `nonFinite` naming the
    /// first NaN or infinity in canonical order.
    public func commitment() throws -> ParameterCommitment {
        let root = try withBase { base in
            advise(base, MADV_SEQUENTIAL, upTo: nil)
            var builder = MerkleTreeBuilder(scratchBytes: Self.leafByteCount)
            // An in-memory vector is a model being trained or replayed, often a few hundred
            // leaves: smaller chunks split it evenly over the cores (815 leaves in 256-leaf
            // chunks leave one core with 512 of them).
            if case .floats = backing { builder.chunkLeaves = 64 }
            return try builder.root(of: 0..<leafCount, leaves: leaves(base)) { done in
                // Pages behind us are not needed again: drop them from this process so its
                // resident size stays flat however large the file (the page cache keeps them).
                advise(base, MADV_DONTNEED, upTo: done.upperBound * Self.leafByteCount)
            }
        }
        return ParameterCommitment(root: root.digest, leafCount: leafCount, parameterCount: parameterCount)
    }

    /// The bytes of leaf `index`: 4096, or fewer for the last leaf.
    public func leaf(_ index: Int) throws -> [UInt8] {
        guard index >= 0, index < leafCount else { throw CommitmentError.leafIndexOutOfRange(index: index, leafCount: leafCount) }
        return withBase { base in
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.leafByteCount, alignment: 16)
            defer { scratch.deallocate() }
            return [UInt8](layout.leafBytes(index, base: base, scratch: scratch))
        }
    }

    /// Every leaf's hash SHA-256(0x00 || leaf bytes), in leaf order, with the same NaN and
    /// infinity checks as `commitment()`.
    public func leafHashes() throws -> [Digest] {
        try withBase { base in
            let leaves = leaves(base)
            let hasher = NodeHasher()
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.leafByteCount, alignment: 16)
            defer { scratch.deallocate() }
            return try (0..<leafCount).map { try leaves.hash($0, hasher, scratch).digest }
        }
    }

    /// Leaf `index`'s hash and inclusion proof (sibling first). Hashes every leaf once, so it
    /// costs about as much as `commitment()`; the same NaN/infinity checks apply.
    public func inclusionProof(leaf index: Int) throws -> (leafHash: Digest, proof: [Digest]) {
        guard index >= 0, index < leafCount else { throw CommitmentError.leafIndexOutOfRange(index: index, leafCount: leafCount) }
        return try withBase { base in
            try MerkleTreeBuilder(scratchBytes: Self.leafByteCount)
                .inclusionProof(index: index, size: leafCount, leaves: leaves(base))
        }
    }

    /// The leaves read from `base`, each checked for finite parameters once hashed.
    ///
    /// The check runs after the hash, on the 4 KiB the hash has just pulled into L1: run
    /// first, it is the loop that waits for the data to arrive from memory, while SHA-256 is
    /// slow enough for the prefetcher to stay ahead of it. A non-finite leaf still throws
    /// before its hash is used.
    private func leaves(_ base: UnsafeRawBufferPointer) -> LeafBytes {
        let layout = layout
        return LeafBytes(bytes: { i, scratch in layout.leafBytes(i, base: base, scratch: scratch) }) { i, bytes in
            if let bad = CanonicalLayout.firstNonFinite(bytes) {
                let (tensor, element) = layout.locate(parameter: i * Self.parametersPerLeaf + bad.index)
                throw CommitmentError.nonFinite(tensor: tensor, element: element, bits: bad.bits)
            }
        }
    }

    private func withBase<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch backing {
        case .file(let file): return try body(file.bytes)
        case .floats(let floats): return try floats.withUnsafeBytes(body)
        }
    }

    /// Advises the kernel about the file pages holding canonical bytes [0, upTo) (or all of
    /// the file for nil). Only for a file whose tensors lie in canonical order, so canonical
    /// progress is file progress; advice is a hint, so failures are ignored.
    private func advise(_ base: UnsafeRawBufferPointer, _ advice: Int32, upTo canonicalBytes: Int?) {
        guard case .file = backing, layout.isInFileOrder, let start = base.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var end = base.count
        if let canonicalBytes {
            guard let first = layout.segments.first else { return }
            end = min(base.count, first.offset + canonicalBytes) / page * page
        }
        guard end > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: start), end, advice)
    }
}
