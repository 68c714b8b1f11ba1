internal import Foundation
internal import Verification

/// The JSON documents describing a job: the short one answering a submission and the full
/// one answering a poll. The stored report and attestation are JSON text, embedded verbatim.
enum JobDocument {
    private struct Summary: Encodable {
        let id: String
        let digest: String
        let status: String
        let beacon: String
    }

    private struct Details: Encodable {
        let id: String
        let digest: String
        let status: String
        let beacon: String
        let createdAt: String
        let updatedAt: String
        let startedAt: String?
        let finishedAt: String?
        let attempts: Int
        let error: String?
    }

    /// {id, digest, status, beacon}.
    static func submission(_ job: Job) -> [UInt8] {
        encode(Summary(id: job.id, digest: job.digest.hex, status: job.status.rawValue, beacon: Hex.encode(job.beacon)))
    }

    /// Every field of the job; `report` and `attestation` once present, `error` only when failed.
    static func full(_ job: Job) -> [UInt8] {
        let details = Details(
            id: job.id, digest: job.digest.hex, status: job.status.rawValue, beacon: Hex.encode(job.beacon),
            createdAt: timestamp(job.createdAt), updatedAt: timestamp(job.updatedAt), startedAt: job.startedAt.map(timestamp),
            finishedAt: job.finishedAt.map(timestamp), attempts: job.attempts,
            error: job.status == .failed ? (job.lastError ?? "verification failed") : nil)
        var out = encode(details)
        // Splice the stored JSON texts in before the closing brace.
        out.removeLast()
        if let report = job.report, job.status.isFinal {
            out += Array(",\"report\":".utf8) + Array(report.utf8)
        }
        if let attestation = job.attestation, job.status.isFinal {
            out += Array(",\"attestation\":".utf8) + Array(attestation.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T18:44:00.123Z".
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and optionals cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
