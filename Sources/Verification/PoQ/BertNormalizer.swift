internal import Foundation

/// BERT's uncased text normalization, step for step as the `tokenizers` BertNormalizer does it
/// with clean_text, handle_chinese_chars, strip_accents and lowercase all on.
///
/// The steps, in order: remove NUL, U+FFFD and control characters and turn whitespace into
/// U+0020; surround CJK ideographs with spaces; decompose to NFD and drop nonspacing marks
/// (Mn); lower-case each scalar with its full lowercase mapping (so U+0130 becomes "i" and
/// U+0307, which is kept because lower-casing happens after accent stripping).
/// Works on Unicode scalars, never on Swift's grapheme clusters.
enum BertNormalizer {
    /// The normalized scalars of `text`.
    static func normalize(_ text: String) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if BertCharacterClasses.isRemovedByCleaning(scalar) { continue }
            if BertCharacterClasses.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if BertCharacterClasses.isCJKIdeograph(scalar) {
                cleaned.append(contentsOf: [" ", scalar, " "])
            } else {
                cleaned.append(scalar)
            }
        }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(cleaned.count)
        for scalar in nfd(cleaned) where !BertCharacterClasses.isNonspacingMark(scalar) {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// Canonical decomposition: each scalar the reference decomposes is replaced by its full
    /// decomposition, then runs of combining marks are put in canonical order (a stable sort
    /// by canonical combining class).
    static func nfd(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for scalar in scalars {
            if BertCharacterClasses.isDecomposable(scalar) {
                out.append(contentsOf: String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        var i = 0
        while i < out.count {
            guard out[i].properties.canonicalCombiningClass.rawValue != 0 else {
                i += 1
                continue
            }
            var end = i
            while end < out.count, out[end].properties.canonicalCombiningClass.rawValue != 0 { end += 1 }
            if end - i > 1 {
                let sorted = out[i..<end].enumerated().sorted {
                    let a = $0.element.properties.canonicalCombiningClass.rawValue
                    let b = $1.element.properties.canonicalCombiningClass.rawValue
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                out.replaceSubrange(i..<end, with: sorted)
            }
            i = end
        }
        return out
    }
}
