internal import CCrypto
internal import CKernels

/// A 32-byte tree hash held inline, so the hashing hot path allocates nothing.
struct Node: Equatable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    init() {}

    init(_ digest: Digest) {
        withUnsafeMutableBytes(of: &self) { $0.copyBytes(from: digest.bytes) }
    }

    var digest: Digest { withUnsafeBytes(of: self) { Digest(bytes: [UInt8]($0)) } }
}

/// RFC 6962 leaf and node hashing on one reusable OpenSSL context, and two leaves at a time
/// with the x86 SHA extensions.
///
/// `RFC6962Hasher` is the obviously correct form; this one exists for throughput: it keeps
/// one `EVP_MD_CTX` and a pre-fetched SHA-256 implementation (avoiding OpenSSL 3's
/// per-call algorithm lookup) and writes into `Node` values. `hashLeaves` hashes two
/// equal-length leaves in one interleaved pass (Sources/CKernels/sha256pair.c), about 1.7x OpenSSL's
/// speed on 4 KiB leaves, because one SHA-256 stream leaves the SHA unit idle while it
/// waits on its own previous round. Not thread-safe: one per thread.
final class NodeHasher {
    /// Whether this CPU has the SHA extensions and the paired code agrees with OpenSSL on a
    /// fixed message (checked once per process; a disagreement falls back to OpenSSL).
    static let pairedAvailable: Bool = {
        guard sha256pair_available() != 0 else { return false }
        let a = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }, b = a.reversed() as [UInt8]
        let (x, y) = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in pairedLeafHashes(pa, pb) } }
        let hasher = RFC6962Hasher()
        return x.digest == hasher.hashLeaf(a) && y.digest == hasher.hashLeaf(b)
    }()

    /// Whether `hashLeaves` uses the paired SHA-extension code (else two OpenSSL hashes).
    let paired: Bool

    // Fetched once per process; OpenSSL documents fetched algorithms as shareable across threads.
    private nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("EVP_MD_fetch(SHA256) failed") }
        return md
    }()

    private let context: OpaquePointer

    /// `paired: false` forces OpenSSL for every hash (tests compare the two paths).
    init(paired: Bool = NodeHasher.pairedAvailable) {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        context = ctx
        self.paired = paired && Self.pairedAvailable
    }

    deinit { EVP_MD_CTX_free(context) }

    /// SHA-256(0x00 || data).
    func hashLeaf(_ data: UnsafeRawBufferPointer) -> Node {
        check(EVP_DigestInit_ex2(context, Self.sha256, nil), "EVP_DigestInit_ex2")
        var prefix = RFC6962Hasher.leafPrefix
        check(EVP_DigestUpdate(context, &prefix, 1), "EVP_DigestUpdate")
        if let base = data.baseAddress, data.count > 0 {
            check(EVP_DigestUpdate(context, base, data.count), "EVP_DigestUpdate")
        }
        return finish()
    }

    /// SHA-256(0x00 || a) and SHA-256(0x00 || b): in one paired pass when the two leaves have
    /// the same length (every full leaf does), else one after the other.
    func hashLeaves(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> (Node, Node) {
        guard paired, a.count == b.count, a.count > 0 else { return (hashLeaf(a), hashLeaf(b)) }
        return Self.pairedLeafHashes(a, b)
    }

    /// The paired SHA-extension code. Requires two non-empty buffers of one length and
    /// `sha256pair_available()`.
    private static func pairedLeafHashes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> (Node, Node) {
        var x = Node(), y = Node()
        withUnsafeMutableBytes(of: &x) { ox in
            withUnsafeMutableBytes(of: &y) { oy in
                sha256pair_prefixed(RFC6962Hasher.leafPrefix, a.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                    b.baseAddress!.assumingMemoryBound(to: UInt8.self), a.count,
                                    ox.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                    oy.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return (x, y)
    }

    /// SHA-256(0x00 || first || second): the hash of a leaf whose bytes are the two buffers
    /// concatenated, without concatenating them.
    func hashLeaf(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Node {
        check(EVP_DigestInit_ex2(context, Self.sha256, nil), "EVP_DigestInit_ex2")
        var prefix = RFC6962Hasher.leafPrefix
        check(EVP_DigestUpdate(context, &prefix, 1), "EVP_DigestUpdate")
        if let base = first.baseAddress, first.count > 0 {
            check(EVP_DigestUpdate(context, base, first.count), "EVP_DigestUpdate")
        }
        if let base = second.baseAddress, second.count > 0 {
            check(EVP_DigestUpdate(context, base, second.count), "EVP_DigestUpdate")
        }
        return finish()
    }

    /// SHA-256(0x01 || left || right).
    func hashChildren(_ left: Node, _ right: Node) -> Node {
        check(EVP_DigestInit_ex2(context, Self.sha256, nil), "EVP_DigestInit_ex2")
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { block in
            block.storeBytes(of: RFC6962Hasher.nodePrefix, as: UInt8.self)
            withUnsafeBytes(of: left) { UnsafeMutableRawBufferPointer(rebasing: block[1..<33]).copyMemory(from: $0) }
            withUnsafeBytes(of: right) { UnsafeMutableRawBufferPointer(rebasing: block[33..<65]).copyMemory(from: $0) }
            check(EVP_DigestUpdate(context, block.baseAddress, 65), "EVP_DigestUpdate")
        }
        return finish()
    }

    private func finish() -> Node {
        var out = Node()
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &out) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            check(EVP_DigestFinal_ex(context, p, &length), "EVP_DigestFinal_ex")
        }
        return out
    }

    /// Stops on an OpenSSL failure. Not `precondition`: with -Ounchecked (the release
    /// setting) a precondition's condition is not evaluated at all, so the call would vanish.
    @inline(__always)
    private func check(_ status: Int32, _ call: StaticString) {
        if status != 1 { fatalError("\(call) failed") }
    }
}
