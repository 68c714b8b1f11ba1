internal import Foundation

/// Scores the calls of many concurrent clients on a fixed set of encoder workers, one per core,
/// batching the sequences of calls that arrive close together.
///
/// Each call is checked and tokenized on the caller's thread (`PoQEvaluator.sequences`); its
/// sequences join one queue, in arrival order, and the caller waits for its scores. A worker
/// takes work when a core is free:
/// - **Window.** With less than a full batch (`PoQLimits.batchSize` sequences) queued, it waits
///   until the oldest queued sequence is `window` old (or the batch fills), so that calls
///   arriving together are encoded together. The wait is bounded by the window, and skipped
///   for a call that found the scheduler idle (nothing queued or running).
/// - **Share.** It takes queued sequences in order up to a full batch, but only its share of
///   the queued tokens among the free cores (at least one sequence), so one large call on an
///   idle machine is spread over every core, each running whole sequences.
/// - **Threads by load.** When it has taken everything queued and other cores are free, it
///   borrows them and runs its batch on all of them (`BertEncoder.hiddenStates(threads:)`):
///   a single call on an idle machine uses every core. Under concurrent calls each batch runs
///   on one core.
///
/// Within a batch, identical sequences (the same prompt from several callers) are encoded once
/// (`PoQEvaluator.readouts`), and sequences of any lengths share a run (the encoder computes
/// real tokens only, no padding). Recent prompts' embeddings are
/// remembered (similarity mode). None of this changes a score: a sequence's encoder output does
/// not depend on what it is batched with.
public final class PoQScheduler: @unchecked Sendable {
    /// The scheduler's settings.
    public struct Configuration: Sendable, Hashable {
        /// Encoder worker threads, each running one batch at a time. Default 1; the service uses
        /// the CPU quota.
        public var workers: Int
        /// Longest wait for more sequences with less than a full batch queued, counted from the
        /// oldest queued sequence's arrival. Default 2 ms; zero never waits.
        public var window: Duration
        /// Prompt embeddings remembered (similarity mode), most recent first. Default 256
        /// (384 floats each for MiniLM: 384 KiB); 0 remembers none.
        public var promptCacheEntries: Int

        public init(workers: Int = 1, window: Duration = .milliseconds(2), promptCacheEntries: Int = 256) {
            self.workers = workers
            self.window = window
            self.promptCacheEntries = promptCacheEntries
        }
    }

    /// Told of every batch a worker runs: its sequences (identical ones counted once each
    /// time they appear) and the threads it ran on.
    public typealias BatchObserver = @Sendable (_ sequences: Int, _ threads: Int) -> Void

    public let evaluator: PoQEvaluator
    public let configuration: Configuration
    private let onBatch: BatchObserver

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [Item] = []
    private var running = 0
    private var lentCores = 0
    private var stopped = false
    private var promptCache: [BertEncoding: [Float]] = [:]
    private var promptOrder: [BertEncoding] = []
    private var activeWorkers = 0

    /// Starts `configuration.workers` worker threads. Requires at least one worker.
    public init(evaluator: PoQEvaluator, configuration: Configuration, onBatch: @escaping BatchObserver = { _, _ in }) {
        precondition(configuration.workers >= 1, "workers must be at least 1, got \(configuration.workers)")
        self.evaluator = evaluator
        self.configuration = configuration
        self.onBatch = onBatch
        activeWorkers = configuration.workers
        for index in 0..<configuration.workers {
            let thread = Thread { [self] in work() }
            thread.name = "poq-worker-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Scores each of `outputs` as an answer to `prompt`, like `PoQEvaluator.score`, with the
    /// same refusals. `shouldContinue` is asked every `poll` while the call waits; false
    /// withdraws its queued sequences and throws `PoQError.cancelled`.
    public func score(prompt: String, outputs: [String], poll: Duration = .milliseconds(50),
                      shouldContinue: () -> Bool = { true }) throws(PoQError) -> [Double] {
        let encodings = try evaluator.sequences(prompt: prompt, outputs: outputs)
        let ticket = Ticket(count: encodings.count)
        let cachePrompt = evaluator.mode == .similarity && configuration.promptCacheEntries > 0
        condition.lock()
        guard !stopped else {
            condition.unlock()
            throw .cancelled(encoded: 0, total: encodings.count)
        }
        if cachePrompt, let cached = promptCache[encodings[0]] {
            ticket.readouts[0] = cached
            ticket.remaining -= 1
        }
        let now = ContinuousClock.now
        // A call that finds nothing queued or running has nobody to share a batch with yet.
        let alone = queue.isEmpty && running == 0
        for (slot, encoding) in encodings.enumerated() where ticket.readouts[slot] == nil {
            queue.append(Item(ticket: ticket, slot: slot, encoding: encoding, arrival: now, alone: alone))
        }
        condition.broadcast()
        condition.unlock()
        while ticket.done.wait(timeout: .now() + poll / .seconds(1)) == .timedOut {
            guard shouldContinue() else { try withdraw(ticket) }
        }
        condition.lock()
        defer { condition.unlock() }
        guard !ticket.cancelled else { throw .cancelled(encoded: ticket.count - ticket.remaining, total: ticket.count) }
        let readouts = ticket.readouts.map { $0! }
        if cachePrompt, promptCache[encodings[0]] == nil { remember(encodings[0], readouts[0]) }
        return evaluator.scores(readouts: readouts)
    }

    /// Stops the workers after their current batch; calls still waiting, and later ones, end
    /// with `PoQError.cancelled`. Returns once every worker has stopped.
    public func stop() {
        condition.lock()
        stopped = true
        for item in queue { finish(item.ticket, cancelled: true) }
        queue.removeAll()
        condition.broadcast()
        while activeWorkers > 0 { condition.wait() }
        condition.unlock()
    }

    /// Withdraws a call whose caller has gone: its queued sequences leave the queue; a batch
    /// already running finishes, and its results are dropped.
    private func withdraw(_ ticket: Ticket) throws(PoQError) -> Never {
        condition.lock()
        queue.removeAll { $0.ticket === ticket }
        ticket.cancelled = true
        let encoded = ticket.count - ticket.remaining
        // A worker waiting for this call's sequences to fill a batch re-reads the queue.
        condition.broadcast()
        condition.unlock()
        throw .cancelled(encoded: encoded, total: ticket.count)
    }

    /// One worker: wait for work and a free core, form a batch, encode it, deliver.
    private func work() {
        condition.lock()
        while true {
            while !stopped && (queue.isEmpty || running + lentCores >= configuration.workers) { condition.wait() }
            if stopped { break }
            waitForBatch()
            guard !queue.isEmpty, running + lentCores < configuration.workers else { continue }
            let free = configuration.workers - running - lentCores
            let batch = takeShare(among: free)
            let borrowed = queue.isEmpty ? free - 1 : 0
            running += 1
            lentCores += borrowed
            condition.unlock()
            onBatch(batch.count, 1 + borrowed)
            let readouts = try? evaluator.readouts(batch.map(\.encoding), threads: 1 + borrowed) {
                // Stop between runs once every caller of the batch has gone.
                condition.lock()
                defer { condition.unlock() }
                return !batch.allSatisfy { $0.ticket.cancelled }
            }
            condition.lock()
            running -= 1
            lentCores -= borrowed
            if let readouts {
                for (item, readout) in zip(batch, readouts) where !item.ticket.cancelled {
                    item.ticket.readouts[item.slot] = readout
                    item.ticket.remaining -= 1
                    if item.ticket.remaining == 0 { finish(item.ticket, cancelled: false) }
                }
            }
            condition.broadcast()
        }
        activeWorkers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// With less than a full batch queued, waits (lock held, released while waiting) until the
    /// oldest queued sequence is `window` old, the batch fills, or the queue empties. A call
    /// that arrived with nothing queued or running does not wait: on an idle scheduler the
    /// window would only add to its latency.
    private func waitForBatch() {
        guard configuration.window > .zero, let oldest = queue.first, !oldest.alone else { return }
        let deadline = oldest.arrival + configuration.window
        while !stopped, !queue.isEmpty, queue.count < evaluator.limits.batchSize {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            _ = condition.wait(until: Date().addingTimeInterval(left / .seconds(1)))
        }
    }

    /// Removes and returns this worker's share of the queue (lock held): queued sequences in
    /// order, at most a full batch, until they hold 1/`free` of the queued tokens (at least one).
    private func takeShare(among free: Int) -> [Item] {
        let share = (queue.reduce(0) { $0 + $1.encoding.count } + free - 1) / max(1, free)
        var taken = 0
        var count = 0
        while count < queue.count, count < evaluator.limits.batchSize, count == 0 || taken < share {
            taken += queue[count].encoding.count
            count += 1
        }
        let batch = Array(queue.prefix(count))
        queue.removeFirst(count)
        return batch
    }

    /// Remembers a prompt's embedding (lock held), forgetting the oldest beyond the limit.
    private func remember(_ encoding: BertEncoding, _ readout: [Float]) {
        promptCache[encoding] = readout
        promptOrder.append(encoding)
        if promptOrder.count > configuration.promptCacheEntries {
            promptCache[promptOrder.removeFirst()] = nil
        }
    }

    /// Marks a call finished (lock held) and wakes its caller.
    private func finish(_ ticket: Ticket, cancelled: Bool) {
        if cancelled { ticket.cancelled = true }
        ticket.done.signal()
    }

    /// One call's sequences: results by slot, how many are missing, and the caller's wake-up.
    private final class Ticket {
        let count: Int
        var readouts: [[Float]?]
        var remaining: Int
        var cancelled = false
        let done = DispatchSemaphore(value: 0)

        init(count: Int) {
            self.count = count
            readouts = Array(repeating: nil, count: count)
            remaining = count
        }
    }

    /// One queued sequence of a call.
    private struct Item {
        let ticket: Ticket
        let slot: Int
        let encoding: BertEncoding
        let arrival: ContinuousClock.Instant
        /// Whether the call found the scheduler idle (nothing queued or running).
        let alone: Bool
    }
}
