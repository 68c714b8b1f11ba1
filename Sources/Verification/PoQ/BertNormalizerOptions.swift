/// Which optional steps BERT's normalizer runs: three switches of the `tokenizers`
/// BertNormalizer, with `strip_accents` resolved (`null` there means "the same as lowercase").
/// The fourth, clean_text, is always on (docs/poq.md says why).
///
/// Read from tokenizer_config.json (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`),
/// which must agree with tokenizer.json's normalizer when both are present.
public struct BertNormalizerOptions: Sendable, Hashable {
    /// Surround CJK ideographs with spaces, so that each is a word of its own.
    public var handleChineseChars: Bool
    /// Decompose to NFD and drop nonspacing marks.
    public var stripAccents: Bool
    /// Map each scalar to its full lowercase mapping.
    public var lowercase: Bool

    public init(handleChineseChars: Bool, stripAccents: Bool, lowercase: Bool) {
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// BERT uncased, every step on (bert-base-uncased, all-MiniLM-L6-v2).
    public static let uncased = BertNormalizerOptions(handleChineseChars: true, stripAccents: true, lowercase: true)
}
