internal import Foundation
internal import Synchronization

/// The threads of one kind of work, with a bounded queue: `trySubmit` refuses work instead of
/// queueing without limit, and the server turns the refusal into a 503.
///
/// Each kind has its own pool, so one kind can neither fill another's queue nor occupy its
/// threads. A job leaves the queue (and frees what it captured) as soon as a thread takes it.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State: ~Copyable {
        /// Jobs waiting from `head` on; taken slots are nil so their captures are freed at once.
        var queue: [Job?] = []
        var head = 0
        var running = 0
        var stopping = false

        var waiting: Int { queue.count - head }
    }

    /// The kind of work, as routes name it (`Router.Cost.pool`).
    let name: String
    /// Jobs allowed to wait besides the running ones.
    let capacity: Int
    let threadCount: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// Starts `limits.threads` threads named `http-<name>-<i>`. Requires `threads >= 1` and
    /// `capacity >= 0`.
    init(name: String, limits: WorkQueueLimits) {
        precondition(limits.threads >= 1 && limits.capacity >= 0, "worker pool \(name) needs a thread and a non-negative capacity")
        self.name = name
        self.capacity = limits.capacity
        self.threadCount = limits.threads
        for i in 0..<limits.threads {
            finished.enter()
            let thread = Thread { [self] in
                self.work()
                self.finished.leave()
            }
            thread.name = "http-\(name)-\(i)"
            thread.start()
        }
    }

    /// Queues `job`; false when `capacity` jobs already wait (the caller answers 503).
    func trySubmit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { s in
            // A job handed to an idle worker does not wait, so idle workers add to the capacity.
            guard !s.stopping, s.waiting < capacity + threadCount - s.running else { return false }
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
                s.queue[s.head] = nil
                s.head += 1
                s.running += 1
                if s.head == s.queue.count {
                    s.queue.removeAll(keepingCapacity: s.queue.capacity <= 1_024)
                    s.head = 0
                } else if s.head >= 256 && s.head * 2 >= s.queue.count {
                    s.queue.removeFirst(s.head)
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
