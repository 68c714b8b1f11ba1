internal import Foundation
internal import JSONWriter

extension VerificationReport.Measurements {
    /// The JSON member names, one per stored property.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case claimedLoss, recomputedLoss, lossRelativeError, mismatchedCodeFraction, maxCodeDistance, maxBoundaryDistance
        case maxScaleRelativeError, comparedBlocks, noiseBlocks, firstFailingStep, failingSteps, leaves
    }

    /// The strings a non-finite measurement is written as.
    static let nonFiniteSpellings: [(text: String, value: Double)] = [("nan", .nan), ("inf", .infinity), ("-inf", -.infinity)]

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func put(_ value: Double?, _ key: CodingKeys) throws {
            guard let value else { return }
            if value.isFinite {
                try c.encode(value, forKey: key)
            } else {
                try c.encode(Self.nonFiniteSpellings.first { $0.value == value || ($0.value.isNaN && value.isNaN) }!.text, forKey: key)
            }
        }
        try put(claimedLoss.map(Double.init), .claimedLoss)
        try put(recomputedLoss.map(Double.init), .recomputedLoss)
        try put(lossRelativeError.map(Double.init), .lossRelativeError)
        try put(mismatchedCodeFraction, .mismatchedCodeFraction)
        try c.encodeIfPresent(maxCodeDistance, forKey: .maxCodeDistance)
        try put(maxBoundaryDistance, .maxBoundaryDistance)
        try put(maxScaleRelativeError.map(Double.init), .maxScaleRelativeError)
        try c.encodeIfPresent(comparedBlocks, forKey: .comparedBlocks)
        try c.encodeIfPresent(noiseBlocks, forKey: .noiseBlocks)
        try c.encodeIfPresent(firstFailingStep, forKey: .firstFailingStep)
        try c.encodeIfPresent(failingSteps, forKey: .failingSteps)
        try c.encodeIfPresent(leaves, forKey: .leaves)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func get(_ key: CodingKeys) throws -> Double? {
            guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
            if let text = try? c.decode(String.self, forKey: key) {
                guard let spelling = Self.nonFiniteSpellings.first(where: { $0.text == text }) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a number: \"\(text)\"")
                }
                return spelling.value
            }
            return try c.decode(Double.self, forKey: key)
        }
        self.init()
        claimedLoss = try get(.claimedLoss).map(Float.init)
        recomputedLoss = try get(.recomputedLoss).map(Float.init)
        lossRelativeError = try get(.lossRelativeError).map(Float.init)
        mismatchedCodeFraction = try get(.mismatchedCodeFraction)
        maxCodeDistance = try c.decodeIfPresent(Int.self, forKey: .maxCodeDistance)
        maxBoundaryDistance = try get(.maxBoundaryDistance)
        maxScaleRelativeError = try get(.maxScaleRelativeError).map(Float.init)
        comparedBlocks = try c.decodeIfPresent(Int.self, forKey: .comparedBlocks)
        noiseBlocks = try c.decodeIfPresent(Int.self, forKey: .noiseBlocks)
        firstFailingStep = try c.decodeIfPresent(Int.self, forKey: .firstFailingStep)
        failingSteps = try c.decodeIfPresent(Int.self, forKey: .failingSteps)
        leaves = try c.decodeIfPresent([Int].self, forKey: .leaves)
    }
}

extension VerificationReport {
    /// The report as JSON: sorted keys, unescaped slashes, non-finite measurements as strings.
    public func jsonBytes() -> [UInt8] {
        // Measurements spell non-finite values themselves; the strategy covers every other
        // number (timings, the policy), so no value a miner or an operator controls can make
        // encoding fail.
        do { return try JSONText.encode(self, nonFiniteAsStrings: true) } catch { preconditionFailure("report is not encodable: \(error)") }
    }
}
