/// The PoGO verdict as EIP-712 typed data, for contracts that check it with `ecrecover`:
///
///     PoGOVerdict(bytes32 commitment,string verdict,string mode,bytes32 beacon,string beaconSource)
///
/// `commitment` is the commitment digest (the in-toto subject); `verdict`, `mode` and
/// `beaconSource` are the predicate's strings ("positive"/"negative", "full"/"leafOnly",
/// "verifier"/"caller"), which a contract compares by their Keccak-256; `beacon` is the 32-byte
/// beacon the challenges were drawn from (docs/protocol-parts/attestations.md, "EIP-712").
extension PoGOAttestation {
    /// The primary type's name.
    public static let eip712TypeName = "PoGOVerdict"

    /// The typed-data message of `report`. Throws when the report's commitment digest or beacon
    /// is not 64 hex digits (never for a report the verifier produced).
    public static func eip712Message(for report: VerificationReport) throws(StatementError) -> EIP712Struct {
        guard let commitment = Digest(hex: report.commitmentDigest) else {
            throw .invalidDigestValue(subject: 0, algorithm: "sha256", value: report.commitmentDigest)
        }
        guard let beacon = Digest(hex: report.beacon) else { throw .wrongFieldType(field: "beacon", want: "64 hex digits") }
        return EIP712Struct(name: eip712TypeName, members: [
            ("commitment", .bytes32(commitment.bytes)),
            ("verdict", .string(report.verdict.rawValue)),
            ("mode", .string(report.mode.rawValue)),
            ("beacon", .bytes32(beacon.bytes)),
            ("beaconSource", .string(report.beaconSource.rawValue)),
        ])
    }

    /// The verdict of `report` signed with `key` as EIP-712 typed data in `domain`.
    public static func eip712Attestation(for report: VerificationReport, key: Secp256k1SigningKey,
                                         domain: EIP712Domain) throws(StatementError) -> EIP712Attestation {
        EIP712Attestation(signing: EIP712TypedData(domain: domain, message: try eip712Message(for: report)), with: key)
    }
}
