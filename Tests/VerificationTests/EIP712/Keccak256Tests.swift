import Foundation
import Testing
import Verification

/// Keccak-256 against published known answers and, on many lengths, against pycryptodome.
struct Keccak256Tests {
    /// Ethereum's hash of the empty string (the yellow paper's KEC(()) = the empty code hash).
    @Test func hashesEmptyMessageToEthereumsEmptyHash() {
        #expect(Hex.encode(Keccak256.hash([])) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    /// Keccak-256("abc"), the FIPS 180 example message, as Keccak implementations publish it.
    @Test func hashesABC() {
        #expect(Hex.encode(Keccak256.hash(Array("abc".utf8))) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    /// The Keccak team's ShortMsgKAT_256 answers (Keccak round-3 submission) for Len = 8, 16,
    /// 128 and 800 bits, as LibTomCrypt's keccak_256_test reproduces them.
    @Test func matchesKeccakTeamShortMessageAnswers() {
        let cases: [(message: String, digest: String)] = [
            ("cc", "eead6dbfc7340a56caedc044696a168870549a6a7f6f56961e84a54bd9970b8a"),
            ("41fb", "a8eaceda4d47b3281a795ad9e1ea2122b407baf9aabcb9e18b5717b7873537d2"),
            ("52a608ab21ccdd8a4457a57ede782176", "0e32defa2071f0b5ac0e6a108b842ed0f1d3249712f58ee0ddf956fe332a5f95"),
            ("433c5303131624c0021d868a30825475e8d0bd3052a022180398f4ca4423b98214b6beaac21c8807a2c33f8c93bd42b092cc1b06cedf3224"
                + "d5ed1ec29784444f22e08a55aa58542b524b02cd3d5d5f6907afe71c5d7462224a3f9d9e53e7e0846dcbb4ce",
             "ce87a5173bffd92399221658f801d45c294d9006ee9f3f9d419c8d427748dc41"),
        ]
        for (message, digest) in cases {
            #expect(Hex.encode(Keccak256.hash(Hex.decode(message)!)) == digest, "message \(message.prefix(16))...")
        }
    }

    /// 200 bytes of 0xA3 (the 1600-bit example message of FIPS 202) crosses the 136-byte rate:
    /// two blocks. The digest is the one Keccak-256 suites publish for it (and pycryptodome gives).
    @Test func hashesMessageLongerThanOneBlock() {
        let message = [UInt8](repeating: 0xa3, count: 200)
        #expect(Hex.encode(Keccak256.hash(message)) == "3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a")
    }

    /// Every length around each multiple of the rate (where the padding takes a block of its
    /// own), and random lengths up to 600, agree with pycryptodome's Keccak-256.
    @Test func agreesWithPycryptodomeOnBlockEdgesAndRandomLengths() throws {
        var generator = MerkleRandomTreeTests.SplitMix(state: 0x6b656363616b)
        let edges = [0, 1, 135, 136, 137, 271, 272, 273, 407, 408, 409, 543, 544, 545]
        let lengths = edges + (0..<60).map { _ in Int.random(in: 0...600, using: &generator) }
        let messages = lengths.map { length in (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        let expected = try EIP712Reference.keccak(messages)
        #expect(expected.count == messages.count)
        for (message, digest) in zip(messages, expected) {
            #expect(Hex.encode(Keccak256.hash(message)) == digest, "length \(message.count)")
        }
    }
}
