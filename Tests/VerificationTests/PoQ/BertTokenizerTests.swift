import Foundation
import TestSupport
import Testing
@testable import Verification

/// The tokenizer against the Hugging Face `tokenizers` BertWordPieceTokenizer: committed
/// fixtures (tools/poq_tokenizer_fixtures.py over Tests/Fixtures/poq/tokenizer-corpus.json)
/// and the same corpus re-run live through the pinned Python package.
struct BertTokenizerTests {
    struct Case: Decodable {
        let a: String
        let b: String?
        let maxLength: Int
        let ids: [Int32]
        let typeIds: [Int32]
    }

    struct Expected: Decodable {
        let cases: [Case]
    }

    /// The cases whose Swift encoding differs from the reference, described for the log;
    /// `tokenizer` makes the tokenizer of a maximum length (default: the model's vocab.txt).
    static func mismatches(_ expected: Expected,
                           tokenizer: (Int) throws -> BertTokenizer = { try PoQTestSupport.tokenizer(maxLength: $0) }) throws -> [String] {
        var tokenizers: [Int: BertTokenizer] = [:]
        var failures: [String] = []
        for c in expected.cases {
            if tokenizers[c.maxLength] == nil { tokenizers[c.maxLength] = try tokenizer(c.maxLength) }
            let tokenizer = tokenizers[c.maxLength]!
            let got = c.b.map { tokenizer.encodePair(c.a, $0) } ?? tokenizer.encode(c.a)
            if got.ids != c.ids || got.typeIds != c.typeIds || got.attentionMask != Array(repeating: 1, count: c.ids.count) {
                let scalars = c.a.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
                failures.append("a=[\(scalars)] b=\(c.b.debugDescription) max=\(c.maxLength) got \(got.ids) want \(c.ids)")
            }
        }
        return failures
    }

    @Test func matchesCommittedReferenceFixtures() throws {
        let corpus = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: PoQTestSupport.fixtures + "/tokenizer-corpus.json")))
        #expect(corpus.count >= 200)
        let data = try Data(contentsOf: URL(fileURLWithPath: PoQTestSupport.fixtures + "/tokenizer-expected.json"))
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        #expect(expected.cases.count == corpus.count * 4)
        let failures = try Self.mismatches(expected)
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func matchesLivePythonTokenizers() throws {
        let data = try Python.output("poq_tokenizer_fixtures.py", ["print"])
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        let failures = try Self.mismatches(expected)
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}

/// Every Unicode scalar, one at a time, through the normalizer and the pre-tokenizer's
/// classes, against the live reference (tools/poq_tokenizer_fixtures.py codepoints).
struct BertNormalizerCodePointTests {
    @Test func everyScalarNormalizesAndSplitsLikeTheReference() throws {
        let data = try Python.output("poq_tokenizer_fixtures.py", ["codepoints"])
        var want: [UInt32: (normalized: String, kind: String)] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            want[UInt32(f[0], radix: 16)!] = (String(f[1]), String(f[2]))
        }
        var failures: [String] = []
        for value in UInt32(0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let normalized = BertNormalizer.normalize(String(scalar)).map { String($0.value, radix: 16) }.joined(separator: " ")
            let kind = BertCharacterClasses.isWhitespace(scalar) ? "w" : BertCharacterClasses.isPunctuation(scalar) ? "p" : "n"
            let expected = want[value] ?? (String(value, radix: 16), "n")
            if normalized != expected.normalized || kind != expected.kind {
                failures.append("U+\(String(value, radix: 16)): got \(normalized) \(kind), want \(expected.normalized) \(expected.kind)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) scalars differ:\n\(failures.prefix(20).joined(separator: "\n"))")
    }
}

/// Limits and configuration of the tokenizer.
struct BertTokenizerConfigurationTests {
    @Test func acceptsMaxLengthThreeAndRefusesTwo() throws {
        let tokenizer = try PoQTestSupport.tokenizer(maxLength: 3)
        #expect(tokenizer.encodePair("hello", "world").ids == [tokenizer.clsId, tokenizer.sepId, tokenizer.sepId])
        #expect(tokenizer.encode("hello world").count == 3)
        #expect(throws: BertTokenizerError.maxLengthTooSmall(got: 2, minimum: 3)) {
            try PoQTestSupport.tokenizer(maxLength: 2)
        }
    }

    @Test func refusesVocabularyWithoutSpecialTokens() throws {
        let vocabulary = try WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "hello"])
        #expect(throws: BertTokenizerError.missingSpecialToken("[SEP]")) {
            try BertTokenizer(vocabulary: vocabulary)
        }
    }

    @Test func wordOfMaxCharsIsPiecedAndOneMoreIsUnknown() throws {
        let vocabulary = try WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a"])
        let tokenizer = try BertTokenizer(vocabulary: vocabulary, maxInputCharsPerWord: 4)
        #expect(tokenizer.tokenize("aaaa") == [4, 5, 5, 5])
        #expect(tokenizer.tokenize("aaaaa") == [1])
    }

    @Test func comparesTokensByBytesNotCanonicalEquivalence() throws {
        // U+00E9 is in the vocabulary; "e" + U+0301 is canonically equivalent but not the same token.
        let vocabulary = try WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "\u{E9}"])
        #expect(vocabulary.id("\u{E9}") == 4)
        #expect(vocabulary.id("e\u{301}") == nil)
    }

    /// The table of tokenizers' own truncation unit test (max_length 7, lengths 0, 2, 4, 8).
    @Test func truncatesPairsLongestFirstLikeTheReference() {
        let table: [(Int, Int, Int, Int)] = [
            (0, 0, 0, 0), (0, 2, 0, 2), (0, 4, 0, 4), (0, 8, 0, 7),
            (2, 0, 2, 0), (2, 2, 2, 2), (2, 4, 2, 4), (2, 8, 2, 5),
            (4, 0, 4, 0), (4, 2, 4, 2), (4, 4, 3, 4), (4, 8, 3, 4),
            (8, 0, 7, 0), (8, 2, 5, 2), (8, 4, 4, 3), (8, 8, 3, 4),
        ]
        for (n1, n2, w1, w2) in table {
            let got = BertTokenizer.longestFirstLengths(n1, n2, budget: 7)
            #expect(got == (w1, w2), "n1=\(n1) n2=\(n2)")
        }
    }
}
