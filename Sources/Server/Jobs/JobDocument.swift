internal import Foundation
internal import JSONWriter
internal import Verification

/// The JSON documents describing a job: the short one answering a submission and the full
/// one answering a poll. The stored report and attestations are JSON text, embedded verbatim.
enum JobDocument {
    private struct Summary: Encodable {
        let id: String
        let digest: String
        let commitment: String?
        let status: String
        let beacon: String
        let beaconSource: String
    }

    private struct Details: Encodable {
        let id: String
        let digest: String
        let commitment: String?
        let runKey: String?
        let status: String
        let beacon: String
        let beaconSource: String
        let createdAt: String
        let updatedAt: String
        let startedAt: String?
        let finishedAt: String?
        let attempts: Int
        let error: String?
        let equivocations: [EquivocationEntry]?
        let equivocationCount: Int?
    }

    private struct EquivocationEntry: Encodable {
        let commitment: String
        let digest: String
        let submittedAt: String
    }

    /// The most equivocations a poll lists (newest first); `equivocationCount` has them all.
    static let equivocationPageSize = 16

    /// {id, digest, commitment, status, beacon, beaconSource}.
    static func submission(_ job: Job) -> [UInt8] {
        encode(Summary(id: job.id, digest: job.digest.hex, commitment: job.commitment?.hex, status: job.status.rawValue,
                       beacon: job.beacon.value.hex, beaconSource: job.beacon.source.rawValue))
    }

    /// Every field of the job; `report`, `attestation` and `eip712` once present, `error` only when failed,
    /// `equivocations` (newest first) and `equivocationCount` only when some were recorded.
    static func full(_ job: Job, equivocations: EquivocationPage) -> [UInt8] {
        let listed = equivocations.total == 0 ? nil : equivocations.entries.map {
            EquivocationEntry(commitment: $0.commitment.hex, digest: $0.digest.hex, submittedAt: timestamp($0.submittedAt))
        }
        let details = Details(
            id: job.id, digest: job.digest.hex, commitment: job.commitment?.hex, runKey: job.runKey?.hex,
            status: job.status.rawValue, beacon: job.beacon.value.hex, beaconSource: job.beacon.source.rawValue,
            createdAt: timestamp(job.createdAt), updatedAt: timestamp(job.updatedAt), startedAt: job.startedAt.map(timestamp),
            finishedAt: job.finishedAt.map(timestamp), attempts: job.attempts,
            error: job.status == .failed ? (job.lastError ?? "verification failed") : nil,
            equivocations: listed, equivocationCount: equivocations.total == 0 ? nil : equivocations.total)
        var out = encode(details)
        // Splice the stored JSON texts in before the closing brace.
        out.removeLast()
        if let report = job.report, job.status.isFinal {
            out += Array(",\"report\":".utf8) + Array(report.utf8)
        }
        if let attestation = job.attestation, job.status.isFinal {
            out += Array(",\"attestation\":".utf8) + Array(attestation.utf8)
        }
        if let eip712 = job.eip712, job.status.isFinal {
            out += Array(",\"eip712\":".utf8) + Array(eip712.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T18:44:00.123Z". The store keeps whole
    /// milliseconds; rounding (not the formatter's truncation) keeps 0.123 from printing as .122.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds.dividedRoundingDown(by: 1000)
        let fraction = milliseconds - seconds * 1000
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        // Encoding strings, integers and optionals cannot fail.
        (try? JSONText.encode(value)) ?? Array("{}".utf8)
    }
}

extension Int64 {
    /// The quotient rounded toward negative infinity (times before 1970 too).
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
