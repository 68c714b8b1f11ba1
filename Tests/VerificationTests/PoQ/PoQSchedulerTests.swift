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
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let gate = Gate()
        // A window far longer than the test: the queued calls are taken only as a full batch.
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600), promptCacheEntries: 0),
                                     onBatch: gate.observe)
        defer { scheduler.stop() }
        let results = Results()
        let group = DispatchGroup()
        // The first call finds the scheduler idle: it runs at once, and is held there.
        let first = (prompt: "Who wrote Pride and Prejudice?", outputs: ["Jane Austen wrote it in 1813."])
        Self.start(scheduler, first, into: results, at: 0, group: group)
        gate.waitUntilHeld()
        // Eight one-output calls behind it: 16 sequences, one full batch.
        let calls = (0..<8).map { i in (prompt: "Question number \(i)?", outputs: ["Answer number \(i)."]) }
        for (i, call) in calls.enumerated() { Self.start(scheduler, call, into: results, at: i + 1, group: group) }
        gate.release()
        group.wait()
        for (i, call) in ([first] + calls).enumerated() {
            #expect(try results[i]?.get() == evaluator.score(prompt: call.prompt, outputs: call.outputs), "call \(i)")
        }
        #expect(gate.batches.all.map { [$0.0, $0.1] } == [[2, 1], [evaluator.limits.batchSize, 1]])
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
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let gate = Gate()
        // A window far longer than the test keeps the second call queued while it is asked
        // whether to go on; the third call fills a batch on its own.
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600), promptCacheEntries: 0),
                                     onBatch: gate.observe)
        defer { scheduler.stop() }
        let results = Results()
        let group = DispatchGroup()
        Self.start(scheduler, (prompt: "busy", outputs: ["worker"]), into: results, at: 0, group: group)
        gate.waitUntilHeld()
        Self.start(scheduler, (prompt: "p", outputs: ["a", "b"]), into: results, at: 1, group: group) { false }
        while results[1] == nil { Thread.sleep(forTimeInterval: 0.001) }
        let outputs = (1..<evaluator.limits.batchSize).map { "output \($0)" }
        Self.start(scheduler, (prompt: "q", outputs: outputs), into: results, at: 2, group: group)
        gate.release()
        group.wait()
        #expect(throws: PoQError.cancelled(encoded: 0, total: 3)) { try results[1]!.get() }
        #expect(try results[2]?.get() == evaluator.score(prompt: "q", outputs: outputs))
        // The withdrawn call's sequences were never encoded.
        #expect(gate.batches.all.map { [$0.0, $0.1] } == [[2, 1], [evaluator.limits.batchSize, 1]])
    }

    @Test func stopEndsWaitingAndLaterCalls() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let gate = Gate()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600)), onBatch: gate.observe)
        let results = Results()
        let group = DispatchGroup()
        Self.start(scheduler, (prompt: "busy", outputs: ["worker"]), into: results, at: 0, group: group)
        gate.waitUntilHeld()
        Self.start(scheduler, (prompt: "p", outputs: ["a"]), into: results, at: 1, group: group)
        let stopped = DispatchSemaphore(value: 0)
        Thread { scheduler.stop(); stopped.signal() }.start()
        // The queued call ends as soon as stop begins; the running batch is finished first.
        while results[1] == nil { Thread.sleep(forTimeInterval: 0.001) }
        gate.release()
        stopped.wait()
        group.wait()
        #expect(try results[0]?.get() == evaluator.score(prompt: "busy", outputs: ["worker"]))
        #expect(throws: PoQError.cancelled(encoded: 0, total: 2)) { try results[1]!.get() }
        #expect(throws: PoQError.cancelled(encoded: 0, total: 2)) { try scheduler.score(prompt: "p", outputs: ["a"]) }
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
