internal import Dispatch
internal import Foundation

/// Runs independent jobs on all cores and returns their results in job order, with the
/// time each job took.
///
/// Used for the re-executions that follow the replay (challenged steps, evaluation losses):
/// each is a pure function of its inputs, so running them at once changes no result. Jobs
/// are handed out in list order, so putting the longest first balances the cores.
enum ParallelJobs {
    /// One job's value and its own duration in milliseconds.
    struct Outcome<Value: Sendable>: Sendable {
        let value: Value
        let milliseconds: Double
    }

    static func run<Value: Sendable>(_ jobs: [@Sendable () -> Value]) -> [Outcome<Value>] {
        let slots = Slots<Outcome<Value>>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            let start = ContinuousClock.now
            let value = jobs[i]()
            slots.store(i, Outcome(value: value, milliseconds: PoGOVerifier.milliseconds(since: start)))
        }
        return slots.values()
    }
}

/// One slot per job, each written by exactly one task.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ value: Value) {
        // The array is shared; the lock keeps its copy-on-write bookkeeping race-free.
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The values in job order. Requires every slot stored.
    func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
