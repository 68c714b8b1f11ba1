internal import Dispatch
internal import Foundation
internal import Synchronization

/// Independent jobs started in the background as soon as their inputs exist, collected in
/// submission order with the time each took.
///
/// The verifier's re-executions (challenged steps, evaluation losses) are pure functions of
/// their inputs, so they can run beside the replay on the other core: theta_0's losses from
/// the start, a challenged step once the replay has passed theta_{t-1}. Running them early
/// changes no result. `submit` is called from one thread; `wait` must be called before the
/// owner returns, so no job outlives the verification.
final class BackgroundJobs<Value: Sendable>: @unchecked Sendable {
    /// One job's value and its own duration in milliseconds.
    struct Outcome: Sendable {
        let value: Value
        let milliseconds: Double
    }

    private let group = DispatchGroup()
    /// At most `ReexecutionCost.defaultConcurrentPasses` jobs run at once: they are compute
    /// bound, and each holds its pass's activations, so more would only add memory.
    private let slots = DispatchSemaphore(value: ReexecutionCost.defaultConcurrentPasses)
    private let outcomes = Mutex<[Int: Outcome]>([:])
    /// Jobs submitted so far; only the submitting thread touches it.
    private var submitted = 0

    /// Starts `job` on a global concurrent queue.
    func submit(_ job: @escaping @Sendable () -> Value) {
        let index = submitted
        submitted += 1
        DispatchQueue.global().async(group: group) { [self] in
            slots.wait()
            defer { slots.signal() }
            let start = ContinuousClock.now
            let value = job()
            let outcome = Outcome(value: value, milliseconds: PoGOVerifier.milliseconds(since: start))
            outcomes.withLock { $0[index] = outcome }
        }
    }

    /// Waits for every submitted job; their outcomes in submission order.
    func wait() -> [Outcome] {
        group.wait()
        return outcomes.withLock { all in (0..<submitted).map { all[$0]! } }
    }
}
