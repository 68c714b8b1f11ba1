internal import Foundation

/// Why a vocabulary or tokenizer configuration was refused.
public enum BertTokenizerError: Error, Equatable, Sendable {
    case cannotReadVocabulary(path: String)
    case vocabularyNotUTF8(path: String)
    case emptyVocabulary(path: String)
    case vocabularyTooLarge(tokens: Int, limit: Int)
    case missingSpecialToken(String)
    case maxLengthTooSmall(got: Int, minimum: Int)
    case tokenIdOutOfRange(token: String, id: Int, limit: Int)
}

/// A WordPiece vocabulary: token strings and their ids, read from a BERT `vocab.txt` or from
/// the `model.vocab` map of a tokenizer.json.
///
/// Tokens are compared by their exact UTF-8 bytes, never with Swift's canonical-equivalence
/// String comparison: "한" (U+D55C) and its NFD jamo sequence are different tokens, as in the
/// reference implementation.
public struct WordPieceVocabulary: Sendable {
    /// The most tokens a vocabulary may hold. Token ids are Int32 and BERT vocabularies hold
    /// about 30,000 to 250,000 entries, so 1,000,000 is generous.
    public static let maxTokens = 1_000_000

    private let ids: [[UInt8]: Int32]
    /// Number of distinct tokens.
    public var count: Int { ids.count }
    /// The largest id (-1 for an empty vocabulary): the model's embedding table must have a row
    /// for it.
    public let largestId: Int32
    /// Length in scalars of the longest token, bounding the WordPiece search window.
    let longestTokenScalars: Int

    /// Builds a vocabulary from tokens in id order: the token on line i has id i.
    ///
    /// As in `tokenizers`' `WordPiece::read_file`, trailing whitespace is trimmed from each
    /// line and a repeated token keeps the id of its last occurrence.
    public init(tokens: [String]) throws {
        guard tokens.count <= Self.maxTokens else {
            throw BertTokenizerError.vocabularyTooLarge(tokens: tokens.count, limit: Self.maxTokens)
        }
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            var scalars = Array(token.unicodeScalars)
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            ids[Array(String(view).utf8)] = Int32(index)
        }
        self.init(ids)
    }

    /// Builds a vocabulary from (token, id) pairs taken as they are, e.g. tokenizer.json's
    /// `model.vocab`. Throws for more than `maxTokens` pairs or an id outside 0..<`maxTokens`.
    /// Requires distinct tokens.
    public init(tokenIds: [(token: String, id: Int)]) throws {
        guard tokenIds.count <= Self.maxTokens else {
            throw BertTokenizerError.vocabularyTooLarge(tokens: tokenIds.count, limit: Self.maxTokens)
        }
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(tokenIds.count)
        for (token, id) in tokenIds {
            guard id >= 0, id < Self.maxTokens else {
                throw BertTokenizerError.tokenIdOutOfRange(token: token, id: id, limit: Self.maxTokens)
            }
            ids[Array(token.utf8)] = Int32(id)
        }
        precondition(ids.count == tokenIds.count, "tokens must be distinct")
        self.init(ids)
    }

    private init(_ ids: [[UInt8]: Int32]) {
        self.ids = ids
        largestId = ids.values.max() ?? -1
        longestTokenScalars = ids.keys.map { String(decoding: $0, as: UTF8.self).unicodeScalars.count }.max() ?? 0
    }

    /// Reads a `vocab.txt`: one token per line, UTF-8.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BertTokenizerError.cannotReadVocabulary(path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BertTokenizerError.vocabularyNotUTF8(path: path)
        }
        // Split on "\n" bytes only: Swift's Character splitting would merge "\r\n" and could
        // join a line break with a following combining mark.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw BertTokenizerError.emptyVocabulary(path: path) }
        try self.init(tokens: lines)
    }

    /// The id of the token whose UTF-8 bytes are `bytes`, if present.
    func id(utf8 bytes: [UInt8]) -> Int32? { ids[bytes] }

    /// The id of `token`, if present.
    public func id(_ token: String) -> Int32? { ids[Array(token.utf8)] }

    /// SHA-256 of the token-to-id map in canonical form: for each token in ascending id order
    /// (ties, possible only in a tokenizer.json map, by byte-wise token order), its id as 4 bytes
    /// little-endian, the length of its UTF-8 bytes as 4 bytes little-endian, then those bytes.
    /// The same map read from vocab.txt or from tokenizer.json has the same digest.
    public var canonicalDigest: Digest {
        let entries = ids.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key.lexicographicallyPrecedes($1.key) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(0) { $0 + 8 + $1.key.count })
        for (token, id) in entries {
            withUnsafeBytes(of: UInt32(id).littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(token.count).littleEndian) { bytes += $0 }
            bytes += token
        }
        return SHA256.hash(bytes)
    }
}
