internal import Foundation

/// BERT's text normalization, step for step as the `tokenizers` BertNormalizer does it with
/// clean_text on.
///
/// The steps, in order: remove NUL, U+FFFD and control characters and turn whitespace into
/// U+0020; surround CJK ideographs with spaces (`handleChineseChars`); decompose to NFD and drop
/// nonspacing marks, Mn (`stripAccents`); lower-case each scalar with its full lowercase mapping
/// (`lowercase`; so U+0130 becomes "i" and U+0307, which is kept because lower-casing happens
/// after accent stripping). Works on Unicode scalars, never on Swift's grapheme clusters.
enum BertNormalizer {
    /// The normalized scalars of `text`.
    static func normalize(_ text: String, options: BertNormalizerOptions = .uncased) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if BertCharacterClasses.isRemovedByCleaning(scalar) { continue }
            if BertCharacterClasses.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if options.handleChineseChars, BertCharacterClasses.isCJKIdeograph(scalar) {
                cleaned.append(contentsOf: [" ", scalar, " "])
            } else {
                cleaned.append(scalar)
            }
        }
        let stripped = options.stripAccents ? nfd(cleaned).filter { !BertCharacterClasses.isNonspacingMark($0) } : cleaned
        guard options.lowercase else { return stripped }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(stripped.count)
        for scalar in stripped { out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars) }
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
