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

    @Test func callsArrivingTogetherShareOneBatchAndGetTheEvaluatorsScores() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batches = Batches()
        // A window far longer than the test: the worker starts only when the batch is full.
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600), promptCacheEntries: 0),
                                     onBatch: batches.record)
        defer { scheduler.stop() }
        // Eight one-output calls: 16 sequences, one full batch.
        let calls = (0..<8).map { i in (prompt: "Question number \(i)?", outputs: ["Answer number \(i)."]) }
        let results = Self.callConcurrently(scheduler, calls)
        for (i, call) in calls.enumerated() {
            #expect(try results[i]?.get() == evaluator.score(prompt: call.prompt, outputs: call.outputs), "call \(i)")
        }
        #expect(batches.all.map { [$0.0, $0.1] } == [[evaluator.limits.batchSize, 1]])
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
        let batches = Batches()
        // A window far longer than the test keeps the first call queued while it is asked
        // whether to go on; the second call fills a batch on its own.
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(600), promptCacheEntries: 0),
                                     onBatch: batches.record)
        defer { scheduler.stop() }
        #expect(throws: PoQError.cancelled(encoded: 0, total: 3)) {
            try scheduler.score(prompt: "p", outputs: ["a", "b"], poll: .milliseconds(1)) { false }
        }
        let outputs = (1..<evaluator.limits.batchSize).map { "output \($0)" }
        #expect(try scheduler.score(prompt: "q", outputs: outputs) == evaluator.score(prompt: "q", outputs: outputs))
        // Only the second call's sequences were encoded.
        #expect(batches.all.map { [$0.0, $0.1] } == [[evaluator.limits.batchSize, 1]])
    }

    @Test func stopEndsWaitingAndLaterCalls() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let scheduler = PoQScheduler(evaluator: evaluator, configuration: .init(workers: 1, window: .seconds(30)))
        let results = Results()
        let waiting = Thread { results.set(0, Result { () throws(PoQError) in try scheduler.score(prompt: "p", outputs: ["a"]) }) }
        waiting.start()
        Thread.sleep(forTimeInterval: 0.2)
        scheduler.stop()
        while results[0] == nil { Thread.sleep(forTimeInterval: 0.01) }
        #expect(throws: PoQError.cancelled(encoded: 0, total: 2)) { try results[0]!.get() }
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
