import Foundation
import Synchronization
import TestSupport
import Testing
import Verification
@testable import Server

/// A clock the tests move by hand, so lease expiry needs no sleeping.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at a whole-millisecond instant so stored timestamps compare equal after a round trip.
    init(start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: Double) { current.withLock { $0 += seconds } }

    /// The closure a store takes as its clock.
    var source: @Sendable () -> Date { { self.now } }
}

/// One place a store keeps its data (a SQLite file, later a PostgreSQL schema); every `open`
/// returns a new, independent instance on it, as a restarted or second process would get.
struct JobStoreBacking: Sendable {
    let open: @Sendable (_ policy: JobLeasePolicy, _ clock: TestClock) throws -> any JobStore
}

/// Makes fresh, empty backings of one store implementation; the conformance suite runs over every one.
struct JobStoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let makeBacking: @Sendable () throws -> JobStoreBacking

    var testDescription: String { name }

    static let all: [JobStoreFactory] = [sqlite, postgres]

    static let sqlite = JobStoreFactory(name: "sqlite") {
        let path = try Scratch.directory("jobstore").appendingPathComponent("jobs.sqlite").path
        return JobStoreBacking { policy, clock in
            try SQLiteJobStore(path: path, policy: policy, now: clock.source)
        }
    }
}

extension JobStoreFactory {
    /// A backing, a clock and one store opened on them.
    func fresh(policy: JobLeasePolicy = JobLeasePolicy()) throws -> (any JobStore, JobStoreBacking, TestClock) {
        let backing = try makeBacking()
        let clock = TestClock()
        return (try backing.open(policy, clock), backing, clock)
    }
}

/// Distinct bundle bytes for test number `n`.
func testBundle(_ n: Int) -> [UInt8] {
    Array("bundle-\(n)".utf8)
}

extension JobSubmission {
    /// A submission of any bytes: by default each distinct `bundle` is its own run with its own
    /// commitment; `run` and `commitment` name them explicitly (equivocation tests).
    init(bundle: [UInt8], run: String? = nil, commitment: String? = nil, beacon: [UInt8]? = nil) throws(JobStoreError) {
        let text = String(decoding: bundle, as: UTF8.self)
        try self.init(bundle: bundle, commitment: SHA256.hash(Array("commitment \(commitment ?? text)".utf8)),
                      runKey: SHA256.hash(Array("run \(run ?? text)".utf8)), beacon: beacon)
    }
}

/// The bytes of a small bundle that parses (an MLP [2, 2, 2], 12 parameters, inline artifacts of
/// junk): `run` varies the block seed, `loss` the claimed loss of its one step, `spacing` the
/// whitespace. For migration tests, which need bundles the store can read.
func parseableBundle(run: Int, loss: String = "1.5", spacing: String = "") -> [UInt8] {
    let hex = { (n: Int) in String(repeating: String(format: "%02x", n % 256), count: 32) }
    return Array("""
        {"protocol":"pogo/1",\(spacing)"model":{"architecture":"mlp","config":{"inputs":2,"hidden":[2],"classes":2,"activation":"tanh"}},
        "dataset":{"sha256":"\(hex(1))"},"lr":0.1,"batchSize":4,"blockSeed":"\(hex(run))","parameters":12,
        "theta0Root":"\(hex(3))","steps":[{"weightsRoot":"\(hex(4))","gradientRoot":"\(hex(5))","loss":\(loss)}],
        "evaluation":{"batchSize":64,"initialLoss":2.0,"finalLoss":1.0},
        "artifacts":{"theta0":{"inline":"AA=="},"gradients":[{"inline":"AA=="}]}}
        """.utf8)
}

/// Runs `body(i)` for i in 0..<count, each on its own thread (not a pool sized to the cores,
/// so the calls really overlap), released together; rethrows the first error.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let firstError = Mutex<(any Error)?>(nil)
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            start.wait()
            do { try body(index) } catch { firstError.withLock { if $0 == nil { $0 = error } } }
            done.leave()
        }
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    done.wait()
    if let error = firstError.withLock({ $0 }) { throw error }
}
