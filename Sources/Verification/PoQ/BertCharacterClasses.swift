/// The character classes BERT's basic tokenizer uses, exactly as the Hugging Face `tokenizers`
/// BertNormalizer and BertPreTokenizer apply them.
///
/// Control characters, nonspacing marks, punctuation and canonical decompositions come from
/// ``BertUnicodeTables``, measured from the reference: its Unicode tables are older than
/// Swift's, and it keeps unassigned code points as ordinary characters. Whitespace and
/// lower-casing agree with Swift's current tables and use them.
enum BertCharacterClasses {
    /// Whether `scalar` is whitespace: tab, newline, carriage return or Unicode White_Space.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        default: return scalar.properties.isWhitespace
        }
    }

    /// Whether text cleaning removes `scalar`: NUL, U+FFFD, and categories Cc, Cf and Co of
    /// the reference's tables, except tab, newline and carriage return.
    static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTables.contains(BertUnicodeTables.control, scalar.value)
    }

    /// Whether `scalar` is punctuation, which the pre-tokenizer splits into a word of its own:
    /// ASCII punctuation (33-47, 58-64, 91-96, 123-126) or a P* category of the reference.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTables.contains(BertUnicodeTables.punctuation, scalar.value)
    }

    /// Whether `scalar` is a CJK ideograph, which the normalizer surrounds with spaces.
    ///
    /// The reference's ranges, including its gap at U+2B820-U+2B91F (it starts extension E at
    /// U+2B920); Hangul, kana and other East Asian scripts are not included.
    static func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Whether accent stripping removes `scalar` (category Mn in the reference's tables).
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTables.contains(BertUnicodeTables.nonspacingMark, scalar.value)
    }

    /// Whether the reference's NFD changes `scalar`.
    static func isDecomposable(_ scalar: Unicode.Scalar) -> Bool {
        BertUnicodeTables.contains(BertUnicodeTables.decomposable, scalar.value)
    }
}
