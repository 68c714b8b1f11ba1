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

/// One submitted commitment and everything the service has learned about it.
struct Job: Sendable, Equatable {
    /// The lower-case hex commitment digest (`commitment.hex`); for jobs created before
    /// schema version 3, the hex SHA-256 of the submitted bytes.
    let id: String
    /// SHA-256 of the stored bundle bytes (the first encoding of the commitment submitted).
    let digest: Digest
    /// The bundle's commitment digest; nil only for an old job whose bundle could not be read.
    let commitment: Digest?
    /// The bundle's run key; nil only for an old job that shares its run with an earlier job.
    let runKey: Digest?
    /// The bundle bytes; nil only for old jobs submitted by reference, which cannot run.
    let bundle: [UInt8]?
    /// The challenge beacon, fixed at submission so every attempt draws the same challenges.
    let beacon: ChallengeBeacon
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
    /// The verdict signed as EIP-712 typed data (JSON text, `EIP712Attestation.json`), once
    /// finished; nil for jobs finished before the column existed (SQLite 5, PostgreSQL 4).
    let eip712: String?
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

/// The answer to a submission: the run's job, and what the submission did.
struct SubmitResult: Sendable, Equatable {
    /// What happened to a submission.
    enum Disposition: Sendable, Equatable {
        /// A new job was created for the commitment.
        case created
        /// The run's job has this commitment already; it is returned unchanged.
        case sameCommitment
        /// The run's job has another commitment: the submission was refused and recorded as
        /// equivocation evidence on that job.
        case otherCommitment
    }

    /// The run's job (the new one when created).
    let job: Job
    let disposition: Disposition

    /// True when this call created the job.
    var created: Bool { disposition == .created }
}

/// Evidence that a run was committed twice: the refused commitment, its bytes' digest and when.
struct Equivocation: Sendable, Equatable {
    let commitment: Digest
    let digest: Digest
    let submittedAt: Date
}

/// The equivocations recorded on a job, newest first, at most a page of them.
struct EquivocationPage: Sendable, Equatable {
    let entries: [Equivocation]
    /// All recorded for the job.
    let total: Int
}
