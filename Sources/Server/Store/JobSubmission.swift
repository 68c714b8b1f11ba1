internal import Verification

/// A bundle to enqueue: inline bytes or a location, its digest, and the challenge beacon.
struct JobSubmission: Sendable, Equatable {
    /// How the bundle reaches the worker.
    enum Payload: Sendable, Equatable {
        /// The submitted bytes themselves.
        case bytes([UInt8])
        /// A location (URL or path) to fetch the bytes from; `digest` must be theirs.
        case location(String)
    }

    /// Length in bytes of a beacon. The caller's beacon must have exactly this length.
    static let beaconByteCount = 32

    let digest: Digest
    let payload: Payload
    let beacon: [UInt8]

    /// The job id this submission maps to: the digest in lower-case hex.
    var id: String { digest.hex }

    /// Submits inline bytes; the digest is their SHA-256. Without a `beacon`, 32 bytes are drawn
    /// from the system's secure generator (getrandom on Linux).
    init(bundle: [UInt8], beacon: [UInt8]? = nil) throws(JobStoreError) {
        try self.init(digest: SHA256.hash(bundle), payload: .bytes(bundle), beacon: beacon)
    }

    /// Submits a bundle by location; `digest` is the SHA-256 of the bytes found there.
    init(location: String, digest: Digest, beacon: [UInt8]? = nil) throws(JobStoreError) {
        try self.init(digest: digest, payload: .location(location), beacon: beacon)
    }

    private init(digest: Digest, payload: Payload, beacon: [UInt8]?) throws(JobStoreError) {
        if let beacon, beacon.count != Self.beaconByteCount {
            throw .invalidBeacon(byteCount: beacon.count)
        }
        self.digest = digest
        self.payload = payload
        self.beacon = beacon ?? Self.randomBeacon()
    }

    private static func randomBeacon() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<beaconByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
