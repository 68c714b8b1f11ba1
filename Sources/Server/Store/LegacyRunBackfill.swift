internal import Foundation
internal import Verification

/// Binds jobs created before schema version 3 to their commitments and runs, once, when the
/// store is migrated: what a new submission gets from `JobSubmission`, computed from the stored
/// bundle bytes.
///
/// Rows are taken oldest first. The first job of a run keeps the run key; a later job of the
/// same run gets its commitment but no run key (the run has one job), and when its commitment
/// differs it is also recorded as equivocation evidence on the first job. A row whose bundle
/// does not parse (or is stored by reference) keeps neither.
enum LegacyRunBackfill {
    /// One stored job as the migration reads it.
    struct Row {
        let id: String
        let digest: Digest
        let bundle: [UInt8]?
        let createdAt: Int64
    }

    /// What to write for one job.
    struct Update: Equatable {
        let id: String
        let commitment: Digest
        let runKey: Digest?
    }

    /// Evidence to record on `jobID`.
    struct Evidence: Equatable {
        let jobID: String
        let commitment: Digest
        let digest: Digest
        let submittedAt: Int64
    }

    /// The updates and evidence for `rows`, whatever their order.
    static func plan(_ rows: [Row]) -> (updates: [Update], evidence: [Evidence]) {
        var firstOfRun: [Digest: (id: String, commitment: Digest)] = [:]
        var updates: [Update] = [], evidence: [Evidence] = []
        for row in rows.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            guard let bytes = row.bundle, let bundle = try? ProofBundle(bytes: bytes) else { continue }
            guard let first = firstOfRun[bundle.runKey] else {
                firstOfRun[bundle.runKey] = (row.id, bundle.commitmentDigest)
                updates.append(Update(id: row.id, commitment: bundle.commitmentDigest, runKey: bundle.runKey))
                continue
            }
            updates.append(Update(id: row.id, commitment: bundle.commitmentDigest, runKey: nil))
            if first.commitment != bundle.commitmentDigest {
                evidence.append(Evidence(jobID: first.id, commitment: bundle.commitmentDigest, digest: row.digest,
                                         submittedAt: row.createdAt))
            }
        }
        return (updates, evidence)
    }
}
