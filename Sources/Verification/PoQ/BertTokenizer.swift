/// BERT's WordPiece tokenizer, producing exactly the ids of the Hugging Face `tokenizers`
/// pipeline BertNormalizer + BertPreTokenizer + WordPiece (`##` continuation prefix) +
/// BertProcessing, with LongestFirst truncation.
///
/// Pipeline: ``BertNormalizer`` under ``normalizer`` (uncased by default: lowercase, strip
/// accents, Chinese characters split, text cleaning); split on whitespace, with each
/// punctuation scalar a word of its own; greedy longest-match-first WordPiece per word (a word
/// longer than ``maxInputCharsPerWord`` scalars, or one with any piece missing from the
/// vocabulary, becomes `[UNK]`); then truncation and the special tokens.
public struct BertTokenizer: Sendable {
    /// The vocabulary.
    public let vocabulary: WordPieceVocabulary
    /// Most tokens in one encoding, special tokens included. At least 3. Default 512.
    public let maxLength: Int
    /// Words longer than this many scalars become `[UNK]`. Default 100.
    public let maxInputCharsPerWord: Int
    /// The normalizer's steps. Default uncased (all on).
    public let normalizer: BertNormalizerOptions

    public let clsId: Int32
    public let sepId: Int32
    public let unkId: Int32
    public let padId: Int32

    /// A tokenizer over `vocabulary`; throws if a special token is missing or `maxLength` < 3.
    public init(vocabulary: WordPieceVocabulary, maxLength: Int = 512, maxInputCharsPerWord: Int = 100,
                normalizer: BertNormalizerOptions = .uncased) throws {
        guard maxLength >= 3 else { throw BertTokenizerError.maxLengthTooSmall(got: maxLength, minimum: 3) }
        func special(_ name: String) throws -> Int32 {
            guard let id = vocabulary.id(name) else { throw BertTokenizerError.missingSpecialToken(name) }
            return id
        }
        self.vocabulary = vocabulary
        self.maxLength = maxLength
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.normalizer = normalizer
        clsId = try special("[CLS]")
        sepId = try special("[SEP]")
        unkId = try special("[UNK]")
        padId = try special("[PAD]")
    }

    /// The WordPiece ids of `text`, without special tokens or truncation.
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for word in Self.words(BertNormalizer.normalize(text, options: normalizer)) {
            appendWordPieces(of: word, to: &ids)
        }
        return ids
    }

    /// `[CLS] text [SEP]`, the text truncated to `maxLength - 2` tokens.
    public func encode(_ text: String) -> BertEncoding {
        let a = tokenize(text).prefix(maxLength - 2)
        let ids = [clsId] + a + [sepId]
        return BertEncoding(ids: ids, typeIds: Array(repeating: 0, count: ids.count),
                            attentionMask: Array(repeating: 1, count: ids.count))
    }

    /// `[CLS] a [SEP] b [SEP]`, truncated longest-first to `maxLength` tokens.
    ///
    /// With a budget of `maxLength - 3` content tokens, as `tokenizers` computes it: if the
    /// shorter text fits in half the budget, the longer one gets the rest; otherwise the first
    /// text keeps floor(budget/2) and the second the rest when the first is not longer,
    /// and the other way round when it is.
    public func encodePair(_ a: String, _ b: String) -> BertEncoding {
        let fullA = tokenize(a), fullB = tokenize(b)
        let (na, nb) = Self.longestFirstLengths(fullA.count, fullB.count, budget: maxLength - 3)
        let first = fullA.prefix(na)
        let second = fullB.prefix(nb)
        let ids = [clsId] + first + [sepId] + second + [sepId]
        let types = Array(repeating: Int32(0), count: first.count + 2) + Array(repeating: Int32(1), count: second.count + 1)
        return BertEncoding(ids: ids, typeIds: types, attentionMask: Array(repeating: 1, count: ids.count))
    }

    /// Lengths kept of a pair of `n1` and `n2` tokens under `budget`, the `tokenizers`
    /// LongestFirst rule.
    static func longestFirstLengths(_ n1: Int, _ n2: Int, budget: Int) -> (Int, Int) {
        guard n1 + n2 > budget else { return (n1, n2) }
        let swapped = n1 > n2
        var short = min(n1, n2)
        var long = max(n1, n2)
        long = short > budget ? short : max(short, budget - short)
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        return swapped ? (min(long, n1), min(short, n2)) : (min(short, n1), min(long, n2))
    }

    /// Splits normalized scalars into words: runs of non-whitespace, with every punctuation
    /// scalar a word of its own.
    static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (i, scalar) in scalars.enumerated() {
            if BertCharacterClasses.isWhitespace(scalar) {
                if start < i { words.append(scalars[start..<i]) }
                start = i + 1
            } else if BertCharacterClasses.isPunctuation(scalar) {
                if start < i { words.append(scalars[start..<i]) }
                words.append(scalars[i...i])
                start = i + 1
            }
        }
        if start < scalars.count { words.append(scalars[start...]) }
        return words
    }

    /// Appends the WordPiece ids of one word: greedy longest match first, continuation pieces
    /// prefixed with `##`; the whole word becomes `[UNK]` if any position has no match.
    private func appendWordPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        let scalars = Array(word)
        guard scalars.count <= maxInputCharsPerWord else {
            ids.append(unkId)
            return
        }
        let utf8 = scalars.map { Array(String($0).utf8) }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = min(scalars.count, start + vocabulary.longestTokenScalars)
            var found: Int32? = nil
            while end > start {
                var key: [UInt8] = start > 0 ? [0x23, 0x23] : []
                for i in start..<end { key.append(contentsOf: utf8[i]) }
                if let id = vocabulary.id(utf8: key) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unkId)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
