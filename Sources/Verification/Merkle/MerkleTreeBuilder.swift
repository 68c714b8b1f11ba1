internal import Dispatch
internal import Foundation
internal import Synchronization

/// Computes RFC 6962 roots and inclusion proofs over a range of leaves, streaming and on all
/// cores.
///
/// The range is cut into chunks of `chunkLeaves` leaves (a power of two), so every full chunk
/// is a perfect subtree aligned to its size. Chunks are hashed in windows of a few per core
/// with `DispatchQueue.concurrentPerform`; each window's chunk roots are merged in order into
/// a `PerfectSubtreeStack`. Memory is one window of chunk results plus O(log n) stack
/// entries, whatever the number of leaves.
struct MerkleTreeBuilder {
    /// Leaves per chunk (a power of two). 256 leaves of 4 KiB is 1 MiB of hashing per task,
    /// long enough to amortise scheduling and short enough to balance two cores.
    var chunkLeaves = 256
    /// Chunks per window, per core: more evens out the end-of-window wait, less keeps the
    /// results array small.
    var chunksPerCorePerWindow = 16
    /// Size of the scratch buffer for one leaf (see `LeafHashing`).
    let scratchBytes: Int
    /// Whether leaves are hashed in pairs with the SHA extensions where the CPU has them;
    /// false hashes everything with OpenSSL (tests compare the two).
    var paired = NodeHasher.pairedAvailable

    init(scratchBytes: Int) {
        self.scratchBytes = max(scratchBytes, 0)
    }

    /// The RFC 6962 root of the leaves in `range`, as a tree of its own (the range's first
    /// leaf is leaf 0). `afterWindow` is called, on the calling thread, with each prefix of
    /// `range` once it has been hashed, so a caller can release the memory behind it.
    func root<Leaves: LeafHashing>(of range: Range<Int>, leaves: Leaves, afterWindow: (Range<Int>) -> Void = { _ in }) throws -> Node {
        let hasher = NodeHasher(paired: paired)
        guard !range.isEmpty else { return Node(RFC6962Hasher().emptyRoot) }
        var stack = PerfectSubtreeStack()
        let chunkCount = (range.count + chunkLeaves - 1) / chunkLeaves
        let window = max(1, chunksPerCorePerWindow * ProcessInfo.processInfo.activeProcessorCount)
        var firstChunk = 0
        while firstChunk < chunkCount {
            let chunks = min(window, chunkCount - firstChunk)
            let results = try hashChunks(firstChunk..<(firstChunk + chunks), of: range, leaves: leaves)
            for chunk in results { stack.append(contentsOf: chunk, hasher: hasher) }
            firstChunk += chunks
            afterWindow(range.lowerBound..<min(range.upperBound, range.lowerBound + firstChunk * chunkLeaves))
        }
        return stack.root(hasher: hasher)!
    }

    /// Leaf `index`'s hash and its inclusion proof in the tree over leaves [0, size).
    ///
    /// Walks down the RFC 6962 split from the root: at each level the sibling subtree's root
    /// is computed with `root(of:)`, so the sibling sizes add up to size - 1 leaves hashed.
    /// Requires `0 <= index < size`.
    func inclusionProof<Leaves: LeafHashing>(index: Int, size: Int, leaves: Leaves) throws -> (leafHash: Digest, proof: [Digest]) {
        precondition(index >= 0 && index < size, "Requires 0 <= index < size")
        var siblings: [Digest] = []
        var lo = 0, hi = size
        while hi - lo > 1 {
            let k = Merkle.splitPoint(hi - lo)
            if index - lo < k {
                siblings.append(try root(of: (lo + k)..<hi, leaves: leaves).digest)
                hi = lo + k
            } else {
                siblings.append(try root(of: lo..<(lo + k), leaves: leaves).digest)
                lo += k
            }
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchBytes, alignment: 16)
        defer { scratch.deallocate() }
        let leaf = try leaves.hash(index, NodeHasher(paired: paired), scratch)
        return (leaf.digest, siblings.reversed())
    }

    /// Hashes the chunks `chunks` of `range` in parallel; each result is the chunk's compact
    /// range (one perfect subtree, except for a short last chunk).
    private func hashChunks<Leaves: LeafHashing>(_ chunks: Range<Int>, of range: Range<Int>, leaves: Leaves) throws -> [PerfectSubtreeStack] {
        let slots = ResultSlots(count: chunks.count)
        let chunkLeaves = chunkLeaves
        // The leaf source's contract (documented on `Merkle.root`) is that it may be called
        // from several threads; the box only carries it across the @Sendable boundary for
        // the duration of this call.
        let hashLeaves = { (range: Range<Int>) throws -> PerfectSubtreeStack in try self.hashLeaves(range, leaves: leaves) }
        withoutActuallyEscaping(hashLeaves) { hashLeaves in
            let task = UncheckedSendable(hashLeaves)
            let body = { @Sendable (j: Int) in
                let lo = range.lowerBound + (chunks.lowerBound + j) * chunkLeaves
                let hi = min(lo + chunkLeaves, range.upperBound)
                slots.store(j, Result { try task.value(lo..<hi) })
            }
            if chunks.count == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: chunks.count, execute: body) }
        }
        return try slots.values()
    }

    /// The compact range of leaves `range`, hashed on the current thread two at a time.
    private func hashLeaves<Leaves: LeafHashing>(_ range: Range<Int>, leaves: Leaves) throws -> PerfectSubtreeStack {
        let hasher = NodeHasher(paired: paired)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * scratchBytes, alignment: 16)
        defer { scratch.deallocate() }
        var stack = PerfectSubtreeStack()
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            let (a, b) = try leaves.hashPair(i, hasher, scratch)
            stack.append(a, size: 1, hasher: hasher)
            stack.append(b, size: 1, hasher: hasher)
            i += 2
        }
        if i < range.upperBound { stack.append(try leaves.hash(i, hasher, scratch), size: 1, hasher: hasher) }
        return stack
    }
}

/// Carries a value the caller guarantees is safe to share across threads.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One result slot per chunk of a window, each written by exactly one task.
private final class ResultSlots: Sendable {
    private let slots: Mutex<[Result<PerfectSubtreeStack, any Error>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func store(_ index: Int, _ result: Result<PerfectSubtreeStack, any Error>) {
        // The array is a shared value; the mutex keeps its copy-on-write bookkeeping race-free.
        slots.withLock { $0[index] = result }
    }

    /// The results in order; rethrows the first chunk's error.
    func values() throws -> [PerfectSubtreeStack] {
        try slots.withLock { $0 }.map { try $0!.get() }
    }
}
