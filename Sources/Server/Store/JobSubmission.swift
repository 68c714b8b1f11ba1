internal import Verification

/// A bundle to enqueue: its bytes, the commitment and run they belong to, and the beacon.
///
/// The job id is the commitment digest in hex, so every encoding of one commitment is one job;
/// the run key is unique in the store, so a run has one commitment.
struct JobSubmission: Sendable, Equatable {
    /// Length in bytes of a beacon. The caller's beacon must have exactly this length.
    static let beaconByteCount = 32

    /// SHA-256 of the submitted bytes.
    let digest: Digest
    /// The bundle's commitment digest (`ProofBundle.commitmentDigest`).
    let commitment: Digest
    /// The bundle's run key (`ProofBundle.runKey`).
    let runKey: Digest
    let bundle: [UInt8]
    let beacon: ChallengeBeacon

    /// The job id this submission maps to: the commitment digest in lower-case hex.
    var id: String { commitment.hex }

    /// Submits the bytes of a parsed bundle. Without a caller's `beacon`, 32 bytes are drawn
    /// from the system's secure generator (source `verifier`).
    init(bundle: [UInt8], parsed: ProofBundle, beacon: [UInt8]? = nil) throws(JobStoreError) {
        try self.init(bundle: bundle, commitment: parsed.commitmentDigest, runKey: parsed.runKey, beacon: beacon)
    }

    /// Submits `bundle` as the commitment `commitment` of the run `runKey`; the caller vouches
    /// that they are the bundle's (tests pass any bytes).
    init(bundle: [UInt8], commitment: Digest, runKey: Digest, beacon: [UInt8]? = nil) throws(JobStoreError) {
        if let beacon, beacon.count != Self.beaconByteCount {
            throw .invalidBeacon(byteCount: beacon.count)
        }
        self.digest = SHA256.hash(bundle)
        self.commitment = commitment
        self.runKey = runKey
        self.bundle = bundle
        self.beacon = beacon.map { ChallengeBeacon(Digest(bytes: $0), source: .caller) } ?? ChallengeBeacon.drawn()
    }
}
