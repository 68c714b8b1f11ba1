import Foundation
import TestSupport
import Testing
import Verification

/// Commitments to canonical parameter vectors, checked against an independent Python
/// implementation (tools/merkle_reference.py) and the recursive reference tree.
struct ParameterCommitmentTests {
    typealias Tensor = SafeTensorsWriter.Tensor

    /// Tensors whose sizes make leaves straddle tensor boundaries, given out of name order.
    static let tensors = [
        Tensor(name: "layer.1.weight", shape: [3, 700], floats: CheckpointFixtures.floats(2100, seed: 1)),
        Tensor(name: "layer.0.bias", shape: [5], floats: CheckpointFixtures.floats(5, seed: 2)),
        Tensor(name: "emb", shape: [2, 1027], floats: CheckpointFixtures.floats(2054, seed: 3)),
        Tensor(name: "empty", shape: [0, 4], floats: []),
        Tensor(name: "scalar", shape: [], floats: [0.5]),
    ]

    /// The canonical vector, built the obvious way.
    static func canonical(_ tensors: [Tensor]) -> [Float] {
        tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .flatMap { t in t.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
    }

    /// RFC 6962 root over 4096-byte slices of the canonical vector, recursively.
    static func referenceTree(_ floats: [Float]) -> ReferenceMerkleTree {
        let bytes = floats.withUnsafeBytes { [UInt8]($0) }
        return ReferenceMerkleTree(leaves: stride(from: 0, to: bytes.count, by: 4096).map { Array(bytes[$0..<min($0 + 4096, bytes.count)]) })
    }

    /// tools/merkle_reference.py's JSON answer for `arguments`.
    static func python(_ arguments: [String]) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Python.output("merkle_reference.py", arguments)) as! [String: Any]
    }

    @Test func rootAndProofsMatchPythonReference() throws {
        let path = try CheckpointFixtures.write(CheckpointFixtures.bytes(Self.tensors), in: Scratch.directory("merkle-tests"))
        let params = try CanonicalParameters(file: SafeTensorsFile(path: path))
        let commitment = try params.commitment()
        let reference = try Self.python([path])
        #expect(commitment.root.hex == reference["root"] as? String)
        #expect(commitment.leafCount == reference["leaves"] as? Int)
        #expect(commitment.parameterCount == reference["parameters"] as? Int)
        #expect(commitment.parameterCount == 4160 && commitment.leafCount == 5)
        for index in 0..<commitment.leafCount {
            let (leafHash, proof) = try params.inclusionProof(leaf: index)
            let expected = try Self.python([path, "--leaf", String(index)])
            #expect(leafHash.hex == expected["leafHash"] as? String)
            #expect(proof.map(\.hex) == expected["proof"] as? [String], "leaf \(index)")
            #expect(try Merkle.verifyInclusion(leafHash: leafHash, index: index, size: commitment.leafCount, proof: proof, root: commitment.root))
        }
    }

    @Test func leafSpanningTensorsConcatenatesThemInNameOrder() throws {
        let a = CheckpointFixtures.floats(1000, seed: 4), b = CheckpointFixtures.floats(100, seed: 5)
        let path = try CheckpointFixtures.write(SafeTensorsWriter.encode([Tensor(name: "b", shape: [100], floats: b),
                                                                          Tensor(name: "a", shape: [1000], floats: a)]),
                                                in: Scratch.directory("merkle-tests"))
        let params = try CanonicalParameters(file: SafeTensorsFile(path: path))
        let vector = a + b
        #expect(try params.leaf(0) == vector[0..<1024].withUnsafeBytes { [UInt8]($0) })
        #expect(try params.leaf(1) == vector[1024...].withUnsafeBytes { [UInt8]($0) })
        #expect(try params.commitment() == ParameterCommitment(parameters: vector))
        #expect(try params.commitment().root == Self.referenceTree(vector).root())
    }

    @Test(arguments: [0, 1, 1023, 1024, 1025, 300 * 1024 + 7])
    func commitsToVectorsOfBoundarySizes(count: Int) throws {
        let floats = CheckpointFixtures.floats(count, seed: UInt64(count))
        let path = try CheckpointFixtures.write(SafeTensorsWriter.encode([Tensor(name: "w", shape: [count], floats: floats)]),
                                                in: Scratch.directory("merkle-tests"))
        let fromFile = try ParameterCommitment(file: SafeTensorsFile(path: path))
        let inMemory = try ParameterCommitment(parameters: floats)
        #expect(fromFile == inMemory)
        #expect(fromFile.parameterCount == count)
        #expect(fromFile.leafCount == (count + 1023) / 1024)
        #expect(fromFile.root == Self.referenceTree(floats).root())
        if count == 0 { #expect(fromFile.root.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") }
    }

    @Test func unalignedDataGivesTheSameRoot() throws {
        let dir = try Scratch.directory("merkle-tests")
        let expected = try ParameterCommitment(parameters: Self.canonical(Self.tensors))
        for padding in 0..<4 {
            let path = try CheckpointFixtures.write(CheckpointFixtures.bytes(Self.tensors, headerPadding: padding), in: dir, name: "p\(padding).safetensors")
            #expect(try ParameterCommitment(file: SafeTensorsFile(path: path)) == expected, "padding \(padding)")
        }
    }

    @Test func physicalTensorOrderDoesNotChangeTheRoot() throws {
        let dir = try Scratch.directory("merkle-tests")
        let sorted = try CheckpointFixtures.write(SafeTensorsWriter.encode(Self.tensors), in: dir, name: "sorted.safetensors")
        let reversed = try CheckpointFixtures.write(CheckpointFixtures.bytes(Self.tensors, physicalOrder: [3, 2, 0, 4, 1]), in: dir, name: "shuffled.safetensors")
        let a = try ParameterCommitment(file: SafeTensorsFile(path: sorted))
        let b = try ParameterCommitment(file: SafeTensorsFile(path: reversed))
        #expect(a == b)
        #expect(a == (try ParameterCommitment(parameters: Self.canonical(Self.tensors))))
        #expect(try CanonicalParameters(file: SafeTensorsFile(path: reversed)).inclusionProof(leaf: 2).proof ==
                CanonicalParameters(file: SafeTensorsFile(path: sorted)).inclusionProof(leaf: 2).proof)
    }

    /// Some tensors of a file under other names (a prefix dropped, a U8 buffer left out) commit
    /// like a file holding just those tensors under those names; a non-F32 one is refused by the
    /// name it was given.
    @Test func renamedSubsetCommitsLikeAFileWithThoseNames() throws {
        let dir = try Scratch.directory("merkle-tests")
        let prefixed = Self.tensors.map { Tensor(name: "bert." + $0.name, dtype: $0.dtype, shape: $0.shape, bytes: $0.bytes) }
            + [Tensor(name: "bert.ids", dtype: .u8, shape: [3], bytes: [1, 2, 3])]
        let file = try SafeTensorsFile(path: CheckpointFixtures.write(CheckpointFixtures.bytes(prefixed, physicalOrder: [5, 2, 0, 4, 1, 3]),
                                                                      in: dir, name: "prefixed.safetensors"))
        let plain = try CheckpointFixtures.write(SafeTensorsWriter.encode(Self.tensors), in: dir, name: "plain.safetensors")
        let selected = try Self.tensors.map { t in (name: t.name, entry: try #require(file.entry("bert." + t.name))) }
        #expect(try CanonicalParameters(file: file, tensors: selected).commitment()
            == ParameterCommitment(file: SafeTensorsFile(path: plain)))
        #expect(throws: CommitmentError.notFloat32(tensor: "ids", dtype: .u8)) {
            try CanonicalParameters(file: file, tensors: selected + [(name: "ids", entry: file.entry("bert.ids")!)])
        }
    }

    @Test func refusesTensorsThatAreNotFloat32() throws {
        let bytes = SafeTensorsWriter.encode([Tensor(name: "w", shape: [2], floats: [1, 2]),
                                              Tensor(name: "ids", dtype: .u8, shape: [3], bytes: [1, 2, 3])])
        let file = try SafeTensorsFile(path: CheckpointFixtures.write(bytes, in: Scratch.directory("merkle-tests")))
        #expect(throws: CommitmentError.notFloat32(tensor: "ids", dtype: .u8)) { try ParameterCommitment(file: file) }
    }

    @Test func refusesNaNAndInfinityNamingTensorAndElement() throws {
        for (value, bits) in [(Float.nan, Float.nan.bitPattern), (-Float.infinity, (-Float.infinity).bitPattern)] {
            var b = CheckpointFixtures.floats(3000, seed: 6)
            b[2037] = value
            let bytes = SafeTensorsWriter.encode([Tensor(name: "a", shape: [1500], floats: CheckpointFixtures.floats(1500, seed: 7)),
                                                  Tensor(name: "b", shape: [3, 1000], floats: b)])
            let file = try SafeTensorsFile(path: CheckpointFixtures.write(bytes, in: Scratch.directory("merkle-tests")))
            #expect(throws: CommitmentError.nonFinite(tensor: "b", element: 2037, bits: bits)) { try ParameterCommitment(file: file) }
            for padding in 0..<4 {
                let tensors = [Tensor(name: "a", shape: [1500], floats: CheckpointFixtures.floats(1500, seed: 7)), Tensor(name: "b", shape: [3, 1000], floats: b)]
                let unaligned = try SafeTensorsFile(path: CheckpointFixtures.write(CheckpointFixtures.bytes(tensors, headerPadding: padding),
                                                                                   in: Scratch.directory("merkle-tests")))
                #expect(throws: CommitmentError.nonFinite(tensor: "b", element: 2037, bits: bits), "padding \(padding)") {
                    try ParameterCommitment(file: unaligned)
                }
            }
            #expect(throws: CommitmentError.nonFinite(tensor: "<parameters>", element: 3537, bits: bits)) {
                try ParameterCommitment(parameters: CheckpointFixtures.floats(1500, seed: 7) + b)
            }
        }
    }

    @Test func refusesLeafIndexOutsideTheVector() throws {
        let params = CanonicalParameters(parameters: CheckpointFixtures.floats(2048, seed: 8))
        #expect(throws: CommitmentError.leafIndexOutOfRange(index: 2, leafCount: 2)) { try params.leaf(2) }
        #expect(throws: CommitmentError.leafIndexOutOfRange(index: -1, leafCount: 2)) { try params.inclusionProof(leaf: -1) }
    }
}
