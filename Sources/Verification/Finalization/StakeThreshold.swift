/// A fraction of the verifier set's total stake, compared exactly.
///
/// Either an exact fraction of two integers (the defaults 2/3 and 1/3) or a binary64 number
/// as sent in JSON (a binary64 value is itself an exact dyadic rational `M * 2^E`), so the
/// boundary never depends on rounding: 2 stake out of 3 meets 2/3 and does not meet 0.6667.
public struct StakeThreshold: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case fraction(numerator: UInt64, denominator: UInt64)
        case binary64(Double)
    }

    let storage: Storage

    /// The exact fraction `numerator / denominator`. Requires 0 < numerator <= denominator.
    public static func fraction(_ numerator: UInt64, _ denominator: UInt64) -> StakeThreshold {
        precondition(numerator > 0 && numerator <= denominator, "a threshold lies in (0, 1]")
        return StakeThreshold(storage: .fraction(numerator: numerator, denominator: denominator))
    }

    /// The exact value of `value`. Nil unless 0 < value <= 1 (NaN and infinities included).
    public init?(_ value: Double) {
        guard value > 0, value <= 1 else { return nil }
        storage = .binary64(value)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// Two thirds, exactly: the default confirmation threshold.
    public static let twoThirds = fraction(2, 3)
    /// One third, exactly: the default slashing threshold.
    public static let oneThird = fraction(1, 3)

    /// The threshold rounded to the nearest binary64, for display.
    public var approximateValue: Double {
        switch storage {
        case let .fraction(numerator, denominator): Double(numerator) / Double(denominator)
        case let .binary64(value): value
        }
    }

    public var description: String {
        switch storage {
        case let .fraction(numerator, denominator): "\(numerator)/\(denominator)"
        case let .binary64(value): "\(value)"
        }
    }

    /// True when `part / total >= self`, computed exactly. Requires 0 < total and part <= total.
    public func isMet(part: UInt64, total: UInt64) -> Bool {
        precondition(total > 0 && part <= total, "a part of a positive total")
        switch storage {
        case let .fraction(numerator, denominator):
            // part/total >= n/d  <=>  part*d >= n*total; both products fit in 128 bits.
            return UInt128(part) * UInt128(denominator) >= UInt128(numerator) * UInt128(total)
        case let .binary64(value):
            // A subnormal value times a total below 2^64 is below 1, so any non-zero part meets it.
            guard value.isNormal else { return part >= 1 }
            // value = M * 2^-s with an integer M < 2^53 and s >= 52 (value <= 1), so
            // part >= value*total  <=>  part >= ceil(M*total / 2^s); M*total < 2^117 fits in 128 bits.
            let m = UInt128(value.significandBitPattern | 1 << 52)
            let s = 52 - Int(value.exponent)
            guard s < 128 else { return part >= 1 }
            let product = m * UInt128(total)
            let quotient = product >> UInt128(s)
            let remainder = product & ((1 << UInt128(s)) - 1)
            return UInt128(part) >= quotient + (remainder == 0 ? 0 : 1)
        }
    }
}
