/// The 32 bytes a verification draws its challenges from, and who chose them.
///
/// A beacon the verifier draws after the commitment is fixed cannot be steered by the miner.
/// A caller's beacon (e.g. a block hash published after the commitment) may have been chosen
/// to avoid a forged step, so attestations say which kind they used and finalization counts a
/// caller's beacon only when the finalizer names it (docs/protocol-parts/finalization.md).
public struct ChallengeBeacon: Sendable, Hashable {
    /// Who supplied the beacon.
    public enum Source: String, Sendable, Codable, Hashable, CaseIterable {
        /// 32 random bytes the verifier drew from the system's secure generator.
        case verifier
        /// 32 bytes the caller passed in.
        case caller
    }

    public let value: Digest
    public let source: Source

    public init(_ value: Digest, source: Source) {
        self.value = value
        self.source = source
    }

    /// 32 fresh bytes from the system's secure generator (getrandom on Linux), source `verifier`.
    public static func drawn() -> ChallengeBeacon {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<SHA256.byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return ChallengeBeacon(Digest(bytes: bytes), source: .verifier)
    }
}
