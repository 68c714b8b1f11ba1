/// Bounds on a finalization request; each is refused one past its value.
public struct FinalizationLimits: Sendable, Hashable {
    /// Largest stake of one verifier and largest total stake: 2^53 - 1, the largest integer
    /// every JSON implementation reads exactly (binary64). Fixed, not configurable.
    public static let maxStake: UInt64 = (1 << 53) - 1

    /// Maximum size in bytes of the request JSON. Default 16,777,216 (16 MiB).
    public var maxRequestBytes: Int
    /// Maximum number of entries in "verifiers". Default 1,000.
    public var maxVerifiers: Int
    /// Maximum number of entries in "attestations". Default 4,000.
    public var maxAttestations: Int
    /// Maximum number of signatures over all attestations, counting only well-formed
    /// envelopes; bounds the checks against the verifier a signature's key id names (one per
    /// signature). Default 8,000.
    public var maxSignatures: Int
    /// Ed25519 checks a request may spend trying signatures against verifiers their key id does
    /// not name (no key id, a foreign one, or a named key that did not hold). Once they are
    /// spent, an attestation that found no signer that way is rejected as
    /// `keySearchBudgetExhausted`. Default 8,000: with `maxSignatures`, at most 16,000 checks,
    /// about 1.4 s of one core at 11,500 checks per second.
    public var maxKeySearchChecks: Int
    /// Bounds on each envelope. Default `DSSELimits()` (4 MiB, 16 signatures).
    public var envelope: DSSELimits

    public init(maxRequestBytes: Int = 16_777_216, maxVerifiers: Int = 1_000, maxAttestations: Int = 4_000,
                maxSignatures: Int = 8_000, maxKeySearchChecks: Int = 8_000, envelope: DSSELimits = DSSELimits()) {
        self.maxRequestBytes = maxRequestBytes
        self.maxVerifiers = maxVerifiers
        self.maxAttestations = maxAttestations
        self.maxSignatures = maxSignatures
        self.maxKeySearchChecks = maxKeySearchChecks
        self.envelope = envelope
    }
}
