internal import Foundation

/// How long leases last and how many attempts a job gets; shared by every store implementation.
/// Stores refuse a policy outside the documented ranges when they open.
struct JobLeasePolicy: Sendable, Hashable {
    /// How long a claim or renewal holds a job before another worker may take it. Default 30 s; > 0.
    var lease: Duration = .seconds(30)
    /// Claims a job gets before it is marked `failed`. Default 3; at least 1.
    var maxAttempts: Int = 3

    /// Throws unless both fields are in range.
    func validate() throws(JobStoreError) {
        guard lease > .zero else { throw .invalidPolicy(field: "lease", value: "\(lease)") }
        guard maxAttempts >= 1 else { throw .invalidPolicy(field: "maxAttempts", value: "\(maxAttempts)") }
    }
}

/// Durable storage of verification jobs, with leases so that several workers (and replicas)
/// share one queue and a dead worker's job is picked up again.
///
/// Methods are synchronous and may block on I/O or on another process's lock: call them off the
/// event-loop threads. Time comes from the store's injected clock. A lease is held by `owner`
/// while the job is `running`, its `leaseOwner` is `owner` and `now < leaseExpiresAt`.
protocol JobStore: Sendable {
    /// The lease length and attempt limit this store applies.
    var policy: JobLeasePolicy { get }

    /// Enqueues a commitment as a new job, unless its run has a job already: with the same
    /// commitment that job is returned unchanged (`sameCommitment`, the submission's beacon
    /// ignored); with another commitment the submission is recorded as equivocation evidence
    /// on that job (`otherCommitment`). The run key is unique across every process sharing the
    /// store, so concurrent submitters of one run get one job.
    func submit(_ submission: JobSubmission) throws -> SubmitResult

    /// The equivocations recorded on job `id`, newest first, at most `limit`.
    func equivocations(jobID: String, limit: Int) throws -> EquivocationPage

    /// The job with this id, or nil.
    func job(id: String) throws -> Job?

    /// Claims the oldest claimable job for `owner`: a `queued` job, or a `running` one whose lease
    /// expired. The job becomes `running` under a fresh lease with `attempts` incremented.
    /// A running job whose lease expired after its last allowed attempt is marked `failed` instead.
    /// Returns nil when nothing is claimable.
    func claim(owner: String) throws -> Job?

    /// Extends the lease by `policy.lease` from now; false (and no change) unless `owner`
    /// still holds it.
    func renew(id: String, owner: String) throws -> Bool

    /// Records the verdict, report and attestations (DSSE envelope and EIP-712 signature, JSON
    /// texts) and releases the lease; false (and no change) unless `owner` still holds the lease.
    func complete(id: String, owner: String, verdict: JobVerdict, report: String, attestation: String?,
                  eip712: String?) throws -> Bool

    /// Records a failed attempt: back to `queued` if `attempts < policy.maxAttempts`, else `failed`.
    func recordFailure(id: String, owner: String, error: String) throws -> FailureDisposition

    /// The number of jobs in each state; every state is present, zero if empty.
    func counts() throws -> [JobStatus: Int]

    /// The number of `queued` jobs.
    func queueDepth() throws -> Int

    /// Commits one write (the readiness probe): rewrites the single row of `readiness_probe`
    /// with the store's time. Throws when the store cannot take writes: unreachable, out of
    /// space, read-only, or (SQLite, read afresh from the file) corrupted.
    func probe() throws
}
