import Foundation
import Testing
@testable import Verification

/// llm.c token files: the header rule, windows of T + 1 tokens, and the worked example of
/// docs/protocol-parts/models.md (Shakespeare's bytes as tokens, the file scripts/setup builds).
struct TokenDatasetTests {
    @Test func shakespeareTokenFileWorkedExample() throws {
        let text = try [UInt8](Data(contentsOf: URL(fileURLWithPath: DataFiles.path("shakespeare.txt"))))
        let bytes = TokenDataset.encode(tokens: text.map(UInt16.init))
        #expect(bytes.count == 10_115_504)
        #expect(Array(bytes[0..<12]) == [0x88, 0xd8, 0x34, 0x01, 0x01, 0, 0, 0, 0xd8, 0x2a, 0x4d, 0x00])
        let data = try TokenDataset(bytes: bytes)
        #expect(data.digest.hex == "3523b7aa035300624dad33654e39ef615e53e9057c09670dfb35d77bf8d7cc81")
        #expect(data.tokens.count == 5_057_240)
        let T = 16
        #expect(data.exampleCount(T: T) == 5_057_224)
        let indices = try ChallengeDerivation.batchIndices(
            datasetDigest: data.digest, blockSeed: SHA256.hash(Array("block seed".utf8)), step: 1, batchSize: 4,
            exampleCount: data.exampleCount(T: T))
        #expect(indices == [178_493, 4_922_089, 664_401, 1_208_311])
        let batch = try data.batch(indices: [indices[0]], T: T)
        #expect(batch.inputs == [110, 32, 116, 104, 121, 32, 102, 97, 99, 101, 58, 32, 105, 102, 32, 65])
        #expect(batch.targets == Array(batch.inputs.dropFirst()) + [110])
        // Token i sits at byte 1024 + 2i, little-endian.
        #expect(Array(bytes[358_010..<358_014]) == [0x6e, 0x00, 0x20, 0x00])
    }

    @Test func windowsAreConsecutiveTokens() throws {
        let data = try TokenDataset(bytes: TokenDataset.encode(tokens: [10, 11, 12, 50_000, 14]))
        #expect(data.maxToken == 50_000)
        #expect(data.exampleCount(T: 3) == 2)
        let batch = try data.batch(indices: [1, 0], T: 3)
        #expect(batch.inputs == [11, 12, 50_000, 10, 11, 12])
        #expect(batch.targets == [12, 50_000, 14, 11, 12, 50_000])
        #expect(throws: DatasetError.indexOutOfRange(index: 2, count: 2)) { try data.batch(indices: [2], T: 3) }
    }

    @Test func refusesMalformedHeaders() throws {
        let good = TokenDataset.encode(tokens: [1, 2, 3])
        func edited(_ at: Int, _ value: UInt8) -> [UInt8] { var b = good; b[at] = value; return b }
        let cases: [([UInt8], String)] = [
            (Array(good[0..<1000]), "file has 1000 bytes, the header alone has 1024"),
            (edited(0, 0x89), "magic is 20240521, want 20240520"),
            (edited(4, 2), "version is 2, want 1 (uint16 tokens)"),
            (edited(8, 4), "header counts 4 tokens, the file holds 6 bytes of tokens"),
            (good + [0], "header counts 3 tokens, the file holds 7 bytes of tokens"),
            (edited(12, 1), "header int32 3 is not 0"),
        ]
        for (bytes, reason) in cases {
            #expect(throws: DatasetError.tokenHeader(reason: reason)) { try TokenDataset(bytes: bytes) }
        }
        #expect(throws: DatasetError.empty) { try TokenDataset(bytes: TokenDataset.encode(tokens: [])) }
        #expect(throws: DatasetError.tooLarge(bytes: 1030, limit: 1029)) {
            try TokenDataset(bytes: good, limits: DatasetLimits(maxBytes: 1029))
        }
    }

    @Test func workloadRefusesTokensOutsideTheVocabulary() throws {
        let bytes = TokenDataset.encode(tokens: (0..<64).map { UInt16($0 * 5) })
        let model = ProofBundle.Model.gpt2(GPT2.Config(layers: 1, channels: 8, heads: 2, positions: 4, vocabulary: 315))
        #expect(throws: PoGOWorkload.Mismatch.shapeMismatch("the token file holds token 315, outside the vocabulary of 315")) {
            try PoGOWorkload(model: model, datasetBytes: bytes)
        }
        #expect(throws: PoGOWorkload.Mismatch.self) {
            try PoGOWorkload(model: .gpt2(GPT2.Config(layers: 1, channels: 8, heads: 2, positions: 4, vocabulary: 316)),
                             datasetBytes: PoGOTestSupport.shakespeare)
        }
    }
}
