import Foundation
import Testing
import Verification

/// The scheduler gives every call the evaluator's own scores, in order, whatever it batches
/// together; withdraws calls whose caller has gone; borrows idle cores for a lone call.
struct PoQSchedulerTests {
    /// Batches seen by the observer: (sequences, threads).
    final class Batches: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [(Int, Int)] = []
        func record(_ sequences: Int, _ threads: Int) { lock.lock(); seen.append((sequences, threads)); lock.unlock() }
        var all: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return seen }
    }

    /// Results of calls made on other threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Result<[Double], PoQError>] = [:]
        func set(_ index: Int, _ result: Result<[Double], PoQError>) { lock.lock(); values[index] = result; lock.unlock() }
        subscript(_ index: Int) -> Result<[Double], PoQError>? { lock.lock(); defer { lock.unlock() }; return values[index] }
    }

    /// An observer that records batches and holds the worker in its first batch until
    /// `release()`, so that a test can queue calls behind a busy worker without timing.
    final class Gate: @unchecked Sendable {
        let batches = Batches()
        private let entered = DispatchSemaphore(value: 0)
        private let released = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var first = true

        func observe(_ sequences: Int, _ threads: Int) {
            batches.record(sequences, threads)
            lock.lock()
            let held = first
            first = false
            lock.unlock()
            guard held else { return }
            entered.signal()
            released.wait()
        }

        /// Waits until the worker is held in its first batch.
        func waitUntilHeld() { entered.wait() }
        func release() { released.signal() }
    }

    /// Starts `call` on a thread of its own; `results[index]` is set when it returns.
    static func start(_ scheduler: PoQScheduler, _ call: (prompt: String, outputs: [String]), into results: Results, at index: Int,
                      group: DispatchGroup, shouldContinue: @escaping @Sendable () -> Bool = { true }) {
        group.enter()
        Thread {
            results.set(index, Result { () throws(PoQError) in
                try scheduler.score(prompt: call.prompt, outputs: call.outputs, poll: .milliseconds(1), shouldContinue: shouldContinue)
            })
            group.leave()
        }.start()
    }

    /// A one-worker scheduler with a window far longer than any test, whose worker is held in
    /// the batch of a first call ("busy", one output: 2 sequences) until `release()`: calls
    /// started meanwhile queue behind it, and a partial batch is never taken.
    final class HeldWorker: @unchecked Sendable {
        let evaluator: PoQEvaluator
        let gate = Gate()
        let scheduler: PoQScheduler
        let results = Results()
        private let group = DispatchGroup()
        static let busy = (prompt: "busy", outputs: ["worker"])

        init() throws {
            evaluator = try PoQTestSupport.similarityEvaluator()
            scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600), promptCacheEntries: 0),
                                     onBatch: gate.observe)
            PoQSchedulerTests.start(scheduler, Self.busy, into: results, at: 0, group: group)
            gate.waitUntilHeld()
        }

        func start(_ call: (prompt: String, outputs: [String]), at index: Int, shouldContinue: @escaping @Sendable () -> Bool = { true }) {
            PoQSchedulerTests.start(scheduler, call, into: results, at: index, group: group, shouldContinue: shouldContinue)
        }

        /// Waits until call `index` has returned.
        func waitFor(_ index: Int) {
            while results[index] == nil { Thread.sleep(forTimeInterval: 0.001) }
        }

        /// Lets the worker go on and waits for every call started.
        func releaseAndWait() {
            gate.release()
            group.wait()
        }
    }

    static let calls: [(prompt: String, outputs: [String])] = [
        ("How many people live in Berlin?", ["Berlin has about 3.5 million inhabitants.", "Paris is in France."]),
        ("How many people live in Berlin?", ["New York has many museums."]),
        ("What is the capital of France?", ["Paris.", "The capital of France is Paris, on the Seine.", "Berlin."]),
        ("Who wrote Pride and Prejudice?", ["Jane Austen wrote it in 1813."]),
    ]

    /// Runs each call on a thread of its own (all started together) and waits for them all.
    static func callConcurrently(_ scheduler: PoQScheduler, _ calls: [(prompt: String, outputs: [String])]) -> Results {
        let results = Results()
        let group = DispatchGroup()
        for (i, call) in calls.enumerated() {
            group.enter()
            Thread {
                results.set(i, Result { () throws(PoQError) in try scheduler.score(prompt: call.prompt, outputs: call.outputs) })
                group.leave()
            }.start()
        }
        group.wait()
        return results
    }

    @Test func callsArrivingWhileAWorkerIsBusyShareOneBatchAndGetTheEvaluatorsScores() throws {
        let held = try HeldWorker()
        defer { held.scheduler.stop() }
        // Eight one-output calls behind the busy worker: 16 sequences, one full batch.
        let calls = (0..<8).map { i in (prompt: "Question number \(i)?", outputs: ["Answer number \(i)."]) }
        for (i, call) in calls.enumerated() { held.start(call, at: i + 1) }
        held.releaseAndWait()
        for (i, call) in ([HeldWorker.busy] + calls).enumerated() {
            #expect(try held.results[i]?.get() == held.evaluator.score(prompt: call.prompt, outputs: call.outputs), "call \(i)")
        }
        #expect(held.gate.batches.all.map { [$0.0, $0.1] } == [[2, 1], [held.evaluator.limits.batchSize, 1]])
    }

    @Test func callOnAnIdleSchedulerDoesNotWaitForTheWindow() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        // Were the window applied, this call would take ten minutes.
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600)), onBatch: batches.record)
        defer { scheduler.stop() }
        let call = Self.calls[3]
        #expect(try scheduler.score(prompt: call.prompt, outputs: call.outputs) == evaluator.score(prompt: call.prompt, outputs: call.outputs))
        #expect(batches.all.map { [$0.0, $0.1] } == [[2, 1]])
    }

    @Test func concurrentCallsGetTheEvaluatorsScoresInOrder() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 2, window: .milliseconds(2)),
                                     onBatch: batches.record)
        defer { scheduler.stop() }
        let calls = Self.calls + Self.calls
        let results = Self.callConcurrently(scheduler, calls)
        for (i, call) in calls.enumerated() {
            #expect(try results[i]?.get() == evaluator.score(prompt: call.prompt, outputs: call.outputs), "call \(i)")
        }
        // However the calls were grouped, no batch exceeds the limit and none ran past the
        // cores: each sequence was encoded at most once per call.
        #expect(batches.all.allSatisfy { $0.0 >= 1 && $0.0 <= evaluator.limits.batchSize && $0.1 >= 1 && $0.1 <= 2 })
        #expect(batches.all.reduce(0) { $0 + $1.0 } <= calls.reduce(0) { $0 + 1 + $1.outputs.count })
    }

    @Test func largeCallIsSplitIntoBoundedBatches() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 2, window: .zero, promptCacheEntries: 0),
                                     onBatch: batches.record)
        defer { scheduler.stop() }
        let outputs = (0..<evaluator.limits.maxOutputs).map { "Output \($0) says something about Berlin and its \($0) museums." }
        #expect(try scheduler.score(prompt: "Tell me about Berlin.", outputs: outputs)
            == evaluator.score(prompt: "Tell me about Berlin.", outputs: outputs))
        #expect(batches.all.allSatisfy { $0.0 >= 1 && $0.0 <= evaluator.limits.batchSize })
        #expect(batches.all.reduce(0) { $0 + $1.0 } == outputs.count + 1)
    }

    @Test func loneCallOnIdleWorkersRunsOnAllOfThem() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 2, window: .zero, promptCacheEntries: 0),
                                     onBatch: batches.record)
        defer { scheduler.stop() }
        let call = Self.calls[3]
        #expect(try scheduler.score(prompt: call.prompt, outputs: call.outputs) == evaluator.score(prompt: call.prompt, outputs: call.outputs))
        #expect(batches.all.map { [$0.0, $0.1] } == [[2, 2]])
    }

    @Test func rememberedPromptIsNotEncodedAgain() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .zero), onBatch: batches.record)
        defer { scheduler.stop() }
        for call in Self.calls.prefix(2) {
            #expect(try scheduler.score(prompt: call.prompt, outputs: call.outputs) == evaluator.score(prompt: call.prompt, outputs: call.outputs))
        }
        // The second call asks the same prompt: only its output is encoded.
        #expect(batches.all.map(\.0) == [3, 1])
    }

    @Test func callWhoseCallerLeftIsWithdrawnAndNeverEncoded() throws {
        let held = try HeldWorker()
        defer { held.scheduler.stop() }
        // Queued behind the busy worker, the call is asked whether to go on, and withdrawn.
        held.start((prompt: "p", outputs: ["a", "b"]), at: 1) { false }
        held.waitFor(1)
        let outputs = (1..<held.evaluator.limits.batchSize).map { "output \($0)" }
        held.start((prompt: "q", outputs: outputs), at: 2)
        held.releaseAndWait()
        #expect(throws: PoQError.cancelled(encoded: 0, total: 3)) { try held.results[1]!.get() }
        #expect(try held.results[2]?.get() == held.evaluator.score(prompt: "q", outputs: outputs))
        // The withdrawn call's sequences were never encoded.
        #expect(held.gate.batches.all.map { [$0.0, $0.1] } == [[2, 1], [held.evaluator.limits.batchSize, 1]])
    }

    @Test func stopEndsWaitingAndLaterCallsAndFinishesTheRunningBatch() throws {
        let held = try HeldWorker()
        held.start((prompt: "p", outputs: ["a"]), at: 1)
        let stopped = DispatchSemaphore(value: 0)
        Thread { held.scheduler.stop(); stopped.signal() }.start()
        // The queued call ends as soon as stop begins; the running batch is finished first.
        held.waitFor(1)
        held.releaseAndWait()
        stopped.wait()
        #expect(try held.results[0]?.get() == held.evaluator.score(prompt: "busy", outputs: ["worker"]))
        #expect(throws: PoQError.cancelled(encoded: 0, total: 2)) { try held.results[1]!.get() }
        #expect(throws: PoQError.cancelled(encoded: 0, total: 2)) { try held.scheduler.score(prompt: "p", outputs: ["a"]) }
    }

    @Test func refusesWhatTheEvaluatorRefuses() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init())
        defer { scheduler.stop() }
        #expect(throws: PoQError.noOutputs) { try scheduler.score(prompt: "p", outputs: []) }
        let many = Array(repeating: "o", count: evaluator.limits.maxOutputs + 1)
        #expect(throws: PoQError.tooManyOutputs(count: many.count, limit: evaluator.limits.maxOutputs)) {
            try scheduler.score(prompt: "p", outputs: many)
        }
    }
}
