/// The PoQ score as EIP-712 typed data, for contracts that check it with `ecrecover`:
///
///     PoQScore(bytes32 pair,uint256 score,string evaluator)
///
/// `pair` is the pair digest (the in-toto subject); `score` the score in fixed point with 18
/// decimals (`fixedPointScore`, 10^18 = 1.0, the "WAD" unit of Solidity fixed-point libraries);
/// `evaluator` the evaluator's identity string, which EIP-712 hashes like any `string`, so a
/// contract compares it by its Keccak-256 whatever the identity's shape.
extension PoQAttestation {
    /// The primary type's name.
    public static let eip712TypeName = "PoQScore"
    /// 10^18: the fixed-point value of a score of 1.
    public static let fixedPointOne: UInt64 = 1_000_000_000_000_000_000

    /// The integer nearest score × 10^18, computed exactly from the binary64 value (ties to
    /// even), in 0...10^18. Python: `round(fractions.Fraction(score) * 10**18)`. Requires `score` in [0, 1].
    public static func fixedPointScore(_ score: Double) -> UInt64 {
        precondition(score >= 0 && score <= 1, "a PoQ score lies in [0, 1]")
        // Below 2^-62 the product is under 0.25: it rounds to 0 (subnormals included).
        guard score >= 0x1p-62 else { return 0 }
        // score = m × 2^-shift with a 53-bit integer m; m × 10^18 < 2^113 fits in 128 bits.
        let m = UInt128(score.significandBitPattern | (1 << 52))
        let shift = 52 - Int(score.exponent)
        let product = m * UInt128(fixedPointOne)
        var quotient = product >> shift
        let remainder = product & ((1 << shift) - 1)
        let half = UInt128(1) << (shift - 1)
        if remainder > half || (remainder == half && quotient & 1 == 1) { quotient += 1 }
        return UInt64(quotient)
    }

    /// The typed-data message of one score: the pair digest, the fixed-point score and the
    /// evaluator identity string. Requires `score` in [0, 1].
    public static func eip712Message(pairDigest: Digest, score: Double, evaluatorIdentity: String) -> EIP712Struct {
        EIP712Struct(name: eip712TypeName, members: [
            ("pair", .bytes32(pairDigest.bytes)),
            ("score", .uint256(fixedPointScore(score))),
            ("evaluator", .string(evaluatorIdentity)),
        ])
    }

    /// One score signed with `key` as EIP-712 typed data in `domain`. Requires `score` in [0, 1].
    public static func eip712Attestation(prompt: String, output: String, score: Double, evaluator: PoQEvaluatorIdentity,
                                         key: Secp256k1SigningKey, domain: EIP712Domain) -> EIP712Attestation {
        let message = eip712Message(pairDigest: pairDigest(prompt: prompt, output: output), score: score,
                                    evaluatorIdentity: evaluator.description)
        return EIP712Attestation(signing: EIP712TypedData(domain: domain, message: message), with: key)
    }
}
