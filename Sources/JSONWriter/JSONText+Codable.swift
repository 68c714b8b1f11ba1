internal import Foundation

extension JSONText {
    /// The one way a `Codable` document (job documents, reports, finalization results, key
    /// listings, a predicate before it is signed) becomes JSON: compact, keys sorted, `/`
    /// verbatim, so that equal values give equal bytes. With `nonFiniteAsStrings`, NaN and
    /// infinities are written "nan", "inf" and "-inf" (reports, whose measurements a miner
    /// controls); without, they make encoding throw.
    public static func encode(_ value: some Encodable, nonFiniteAsStrings: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if nonFiniteAsStrings {
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        }
        return Array(try encoder.encode(value))
    }
}
