internal import Foundation
internal import Synchronization

/// A fixed set of threads running heavy handlers, with a bounded queue: `trySubmit` refuses
/// work instead of queueing without limit, and the server turns the refusal into a 503.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State: ~Copyable {
        var queue: [Job] = []
        var head = 0
        var running = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()
    private let capacity: Int
    private let threadCount: Int

    /// Requires `threads >= 1` and `capacity >= 0` (jobs allowed to wait, besides running ones).
    init(threads: Int, capacity: Int) {
        precondition(threads >= 1 && capacity >= 0, "worker pool needs a thread and a non-negative capacity")
        self.capacity = capacity
        self.threadCount = threads
        for i in 0..<threads {
            finished.enter()
            let thread = Thread { [self] in
                self.work()
                self.finished.leave()
            }
            thread.name = "http-worker-\(i)"
            thread.start()
        }
    }

    /// Queues `job`; false when `capacity` jobs already wait (the caller answers 503).
    func trySubmit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { s in
            // A job handed to an idle worker does not wait, so idle workers add to the capacity.
            guard !s.stopping, s.queue.count - s.head < capacity + threadCount - s.running else { return false }
            s.queue.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Lets queued jobs finish, then stops the threads and waits for them.
    func stop() {
        state.withLock { $0.stopping = true }
        for _ in 0..<threadCount { available.signal() }
        finished.wait()
    }

    private func work() {
        while true {
            available.wait()
            let job: Job? = state.withLock { s in
                guard s.head < s.queue.count else { return nil }
                let job = s.queue[s.head]
                s.head += 1
                s.running += 1
                if s.head == s.queue.count {
                    s.queue.removeAll(keepingCapacity: true)
                    s.head = 0
                }
                return job
            }
            guard let job else { return }
            job()
            state.withLock { $0.running -= 1 }
        }
    }
}
