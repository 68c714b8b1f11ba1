import CKernels
import Testing
@testable import Verification

/// The two-message SHA-256 (Sources/CKernels/sha256pair.c) against OpenSSL, FIPS 180-2 known answers and
/// the recursive reference tree. It runs only where the CPU has the SHA extensions; elsewhere
/// every hash goes through OpenSSL and these paths are not taken.
@Suite(.enabled(if: sha256pair_available() != 0, "no x86 SHA extensions on this CPU"))
struct PairedSHA256Tests {
    /// SHA-256(prefix || a), SHA-256(prefix || b) from the C code.
    static func paired(_ prefix: UInt8, _ a: [UInt8], _ b: [UInt8]) -> (String, String) {
        precondition(a.count == b.count)
        var x = [UInt8](repeating: 0, count: 32), y = [UInt8](repeating: 0, count: 32)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                // A one-byte array keeps the pointers non-nil for empty messages.
                let dummy: [UInt8] = [0]
                dummy.withUnsafeBufferPointer { d in
                    sha256pair_prefixed(prefix, pa.baseAddress ?? d.baseAddress!, pb.baseAddress ?? d.baseAddress!, a.count, &x, &y)
                }
            }
        }
        return (Hex.encode(x), Hex.encode(y))
    }

    static func openssl(_ prefix: UInt8, _ m: [UInt8]) -> String { SHA256.hash(parts: [[prefix], m]).hex }

    @Test func agreesWithOpenSSLOnEveryLengthUpTo300AndAroundLeafSizes() {
        var rng = MerkleRandomTreeTests.SplitMix(state: 7)
        // Every tail case (rest + 9 <= 64 or not, zero to three full blocks), the gradient
        // leaf (576 bytes), the weight leaf (4096) and their neighbours.
        let lengths = Array(0...300) + [447, 448, 575, 576, 577, 1023, 1024, 4095, 4096, 4097, 8191]
        var mismatches: [String] = []
        for length in lengths {
            for prefix: UInt8 in [0x00, 0x01] {
                let a = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let b = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let (x, y) = Self.paired(prefix, a, b)
                if x != Self.openssl(prefix, a) || y != Self.openssl(prefix, b) { mismatches.append("length \(length) prefix \(prefix)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(6))")
    }

    @Test func fipsKnownAnswersWithTheFirstByteAsPrefix() {
        // FIPS 180-2 appendix B: one block, two blocks (56 bytes: the length spills into a
        // second padding block) and the 112-byte message; the first byte goes in as the prefix.
        let vectors = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (text, want) in vectors {
            let bytes = Array(text.utf8)
            let (x, y) = Self.paired(bytes[0], Array(bytes.dropFirst()), Array(bytes.dropFirst()))
            #expect(x == want && y == want, "\(text.prefix(8))...")
        }
        // RFC 6962's hash of an empty leaf, SHA-256(0x00).
        let empty = Self.paired(0x00, [], [])
        #expect(empty.0 == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" && empty.1 == empty.0)
    }

    @Test func readsMessagesAtAnyAlignment() {
        var rng = MerkleRandomTreeTests.SplitMix(state: 8)
        let buffer = (0..<(4096 + 64)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for offset in 0..<32 {
            let a = Array(buffer[offset..<(offset + 4096)]), b = Array(buffer[(offset + 17)..<(offset + 17 + 4096)])
            let (x, y) = buffer.withUnsafeBufferPointer { p -> (String, String) in
                var x = [UInt8](repeating: 0, count: 32), y = [UInt8](repeating: 0, count: 32)
                sha256pair_prefixed(0, p.baseAddress! + offset, p.baseAddress! + offset + 17, 4096, &x, &y)
                return (Hex.encode(x), Hex.encode(y))
            }
            #expect(x == Self.openssl(0, a) && y == Self.openssl(0, b), "offset \(offset)")
        }
    }

    @Test func nodeHasherPairsOnlyEqualLengthsAndPassesItsSelfTest() {
        #expect(NodeHasher.pairedAvailable)
        let hasher = NodeHasher()
        #expect(hasher.paired)
        let reference = RFC6962Hasher()
        for (m, n) in [(4096, 4096), (4096, 1000), (0, 0), (0, 5), (577, 576)] {
            let a = [UInt8](repeating: 0xa5, count: m), b = [UInt8](repeating: 0x5a, count: n)
            let (x, y) = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in hasher.hashLeaves(pa, pb) } }
            #expect(x.digest == reference.hashLeaf(a) && y.digest == reference.hashLeaf(b), "\(m), \(n)")
        }
    }

    /// Equal-length leaves (so every pair takes the paired path) through the parallel builder,
    /// paired and OpenSSL-only, against the recursive reference; odd and even leaf counts.
    @Test func pairedTreesEqualOpenSSLTreesAndTheReference() throws {
        var rng = MerkleRandomTreeTests.SplitMix(state: 9)
        for (size, leafBytes) in [(1, 4096), (2, 4096), (3, 64), (255, 33), (256, 1), (257, 4096), (600, 576), (1000, 100)] {
            let tree = ReferenceMerkleTree(leaves: (0..<size).map { _ in
                (0..<leafBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
            })
            let leaves = LeafBytes(bytes: tree.leafBytes)
            var builder = MerkleTreeBuilder(scratchBytes: leafBytes)
            builder.chunkLeaves = 64
            let paired = try builder.root(of: 0..<size, leaves: leaves).digest
            builder.paired = false
            let plain = try builder.root(of: 0..<size, leaves: leaves).digest
            #expect(paired == tree.root() && plain == paired, "\(size) leaves of \(leafBytes) bytes")
            // Inclusion proofs walk the same builder over sibling ranges that start at odd leaves.
            for index in Set([0, size / 3, size - 1]) {
                let (leafHash, proof) = try Merkle.inclusionProof(index: index, leafCount: size, maxLeafBytes: leafBytes,
                                                                  leafBytes: tree.leafBytes)
                #expect(leafHash == tree.leafHash(index) && proof == tree.proof(index), "\(size) leaves, index \(index)")
            }
        }
    }

    @Test func aCheckThatRejectsTheSecondLeafOfAPairIsRethrown() {
        struct Rejected: Error, Equatable { let index: Int }
        let data = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { data.deallocate() }
        data.initializeMemory(as: UInt8.self, repeating: 1)
        let leaves = LeafBytes(bytes: { _, _ in UnsafeRawBufferPointer(data) }) { i, _ in
            if i == 301 || i == 900 { throw Rejected(index: i) }
        }
        #expect(throws: Rejected(index: 301)) {
            try MerkleTreeBuilder(scratchBytes: 4096).root(of: 0..<1000, leaves: leaves)
        }
    }
}
