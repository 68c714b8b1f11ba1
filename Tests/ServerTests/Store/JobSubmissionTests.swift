import TestSupport
import Testing
import Verification
@testable import Server

/// Beacon and policy limits, independent of the store implementation.
struct JobSubmissionTests {
    @Test func acceptsBeaconOfThirtyTwoBytesAndRefusesThirtyOneOrThirtyThree() throws {
        let beacon = [UInt8](repeating: 7, count: 32)
        #expect(try JobSubmission(bundle: [1], beacon: beacon).beacon == ChallengeBeacon(Digest(bytes: beacon), source: .caller))
        #expect(throws: JobStoreError.invalidBeacon(byteCount: 31)) {
            try JobSubmission(bundle: [1], beacon: [UInt8](repeating: 7, count: 31))
        }
        #expect(throws: JobStoreError.invalidBeacon(byteCount: 33)) {
            try JobSubmission(bundle: [1], beacon: [UInt8](repeating: 7, count: 33))
        }
    }

    @Test func drawsAFreshRandomBeaconMarkedAsTheVerifiersWhenNoneIsGiven() throws {
        let beacons = try (0..<8).map { _ in try JobSubmission(bundle: [1]).beacon }
        #expect(beacons.allSatisfy { $0.source == .verifier })
        #expect(Set(beacons.map(\.value)).count == 8)
    }

    @Test func idIsTheCommitmentDigestAndDigestIsTheBytes() throws {
        let bytes = parseableBundle(run: 1)
        let parsed = try ProofBundle(bytes: bytes)
        let submission = try JobSubmission(bundle: bytes, parsed: parsed)
        #expect(submission.id == parsed.commitmentDigest.hex && submission.runKey == parsed.runKey)
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(try JobSubmission(bundle: Array("abc".utf8)).digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func storeRefusesPolicyOutsideItsRanges() throws {
        let path = try Scratch.directory("jobstore").appendingPathComponent("p.sqlite").path
        #expect(throws: JobStoreError.invalidPolicy(field: "maxAttempts", value: "0")) {
            try SQLiteJobStore(path: path, policy: JobLeasePolicy(maxAttempts: 0))
        }
        #expect(throws: JobStoreError.invalidPolicy(field: "lease", value: "\(Duration.zero)")) {
            try SQLiteJobStore(path: path, policy: JobLeasePolicy(lease: .zero))
        }
        _ = try SQLiteJobStore(path: path, policy: JobLeasePolicy(lease: .milliseconds(1), maxAttempts: 1))
    }
}
