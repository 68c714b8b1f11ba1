internal import Foundation
internal import Verification

/// The state of a verification job; see docs/store.md for the transitions.
enum JobStatus: String, Sendable, CaseIterable, Hashable {
    /// Waiting for a worker (new, or put back after a failed attempt).
    case queued
    /// Claimed by a worker holding an unexpired lease (or whose lease expired, until reclaimed).
    case running
    /// Finished: the proof checked out.
    case verified
    /// Finished: the proof was checked and is wrong.
    case rejected
    /// Gave up after the maximum number of attempts.
    case failed

    /// True for the states a job never leaves.
    var isFinal: Bool { self == .verified || self == .rejected || self == .failed }
}

/// One submitted bundle and everything the service has learned about it.
struct Job: Sendable, Equatable {
    /// The lower-case hex SHA-256 of the submitted bytes (`digest.hex`).
    let id: String
    /// SHA-256 of the submitted bundle bytes.
    let digest: Digest
    /// The bundle bytes, when they were submitted inline.
    let bundle: [UInt8]?
    /// Where to fetch the bundle, when it was submitted by reference.
    let bundleLocation: String?
    /// The 32-byte challenge beacon, fixed at submission so every attempt draws the same challenges.
    let beacon: [UInt8]
    let status: JobStatus
    let createdAt: Date
    /// Time of the last change to the row.
    let updatedAt: Date
    /// Time the latest attempt was claimed.
    let startedAt: Date?
    /// Time the job reached a final state.
    let finishedAt: Date?
    /// The worker holding the lease while running; nil otherwise.
    let leaseOwner: String?
    /// When the current lease lapses; nil when no lease is held.
    let leaseExpiresAt: Date?
    /// Number of times the job has been claimed.
    let attempts: Int
    /// The error of the latest failed attempt.
    let lastError: String?
    /// The verification report (JSON text), once finished.
    let report: String?
    /// The DSSE envelope (JSON text) attesting the verdict, once finished.
    let attestation: String?
}

/// The verdict a worker records when it finishes a job.
enum JobVerdict: String, Sendable {
    case verified
    case rejected

    var status: JobStatus { self == .verified ? .verified : .rejected }
}

/// What `JobStore.recordFailure` did with the job.
enum FailureDisposition: Sendable, Equatable {
    /// Put back in the queue; another attempt will follow.
    case requeued(attempts: Int)
    /// Out of attempts: the job is now `failed`.
    case failed(attempts: Int)
    /// The caller does not hold the job's lease (it expired, or someone else owns it); nothing changed.
    case leaseNotHeld
}

/// The answer to a submission: the job, and whether this call created it.
struct SubmitResult: Sendable, Equatable {
    let job: Job
    /// False when a job with the same digest already existed and was returned unchanged.
    let created: Bool
}
