import Foundation
import Synchronization
import Testing
@testable import Verification

/// A bundle cannot make the verifier allocate what it did not budget: passes are chunked to the
/// activation budget, a model one example of which exceeds it is not re-executed, an estimated
/// peak above the process's re-execution memory is not re-executed, and concurrent
/// re-executions wait for memory.
struct ReexecutionMemoryTests {
    static let gptConfig = GPT.Config(layers: 2, channels: 32, heads: 4, context: 16)

    @Test(arguments: [false, true])
    func gptActivationEstimateIsWhatThePassAllocates(backward: Bool) throws {
        let gpt = try GPT(Self.gptConfig)
        let text = try TextDataset(bytes: PoGOTestSupport.shakespeare)
        let batch = try text.batch(indices: [0, 100, 200], T: 16)
        let arena = FloatArena()
        var gradient: [Float] = []
        _ = try gpt.run(gpt.initialParameters(seed: 1), batch, gradient: &gradient, backward: backward, arena: arena)
        // The backward pass's (T, T) attention scratch is per pass, not per example.
        #expect(arena.allocatedFloats == 3 * gpt.activationFloats(T: 16, backward: backward) + (backward ? 16 * 16 : 0))
    }

    @Test(arguments: [false, true])
    func mlpActivationEstimateIsWhatThePassAllocates(backward: Bool) throws {
        let mlp = try MLP(MLP.Config(inputs: 64, hidden: [32, 16], classes: 10, activation: .tanh))
        let table = try TabularDataset(bytes: PoGOTestSupport.digits)
        let arena = FloatArena()
        var gradient: [Float] = []
        _ = try mlp.run(mlp.initialParameters(seed: 1), try table.batch(indices: [1, 2, 3, 4, 5]), gradient: &gradient,
                        backward: backward, arena: arena)
        #expect(arena.allocatedFloats == 5 * mlp.activationFloats(backward: backward))
    }

    @Test(arguments: ["mlp", "gpt"])
    func chunkedPassesAgreeWithOnePass(arch: String) throws {
        let miner = arch == "mlp" ? try PoGOTestSupport.mlpMiner() : try PoGOTestSupport.gptMiner()
        var chunked = miner.workload
        // Three examples per backward pass: a batch of 10 runs as 3 + 3 + 3 + 1.
        chunked.activationBudgetBytes = 3 * chunked.activationBytesPerExample(backward: true)
        #expect(chunked.examplesPerPass(backward: true) == 3)
        let theta = miner.workload.initialParameters(seed: 2)
        let indices = Array(stride(from: 0, to: 100, by: 10))
        var whole: [Float] = [], parts: [Float] = []
        let loss = try miner.workload.lossAndGradient(parameters: theta, indices: indices, gradient: &whole)
        let chunkedLoss = try chunked.lossAndGradient(parameters: theta, indices: indices, gradient: &parts)
        #expect(abs(chunkedLoss - loss) <= 1e-6 * abs(loss))
        #expect(abs(try chunked.loss(parameters: theta, indices: indices) - loss) <= 1e-6 * abs(loss))
        // The same gradient up to rounding: its 4-bit quantization passes the verifier's comparison.
        let a = try QuantizedGradient(quantizing: whole), b = try QuantizedGradient(quantizing: parts)
        let floor = VerificationPolicy().noiseFloor * (a.scales.max() ?? 0)
        for i in 0..<a.leafCount {
            let range = QuantizedGradient.leafRange(i, parameters: whole.count)
            let blocks = (range.lowerBound / QuantizedGradient.blockSize)..<((range.upperBound + QuantizedGradient.blockSize - 1) / QuantizedGradient.blockSize)
            let comparison = GradientComparison(committed: try b.leaf(i), recomputed: whole[range], recomputedScales: a.scales[blocks], floor: floor)
            #expect(comparison.passes(VerificationPolicy()), "leaf \(i)")
        }
    }

    @Test func honestBundleVerifiesWithChunkedPasses() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.gptMiner(), steps: 3)
        var policy = VerificationPolicy()
        policy.challengedSteps = 3
        policy.activationBudgetBytes = 3 * (PoGOWorkload.activationBytesPerExample(model: run.settings.model, backward: true) ?? 0)
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed, policy: policy)
        #expect(report.verdict == .positive && report.mode == .full, "\(report.failedChecks)")
    }

    @Test func oneExampleAboveThePassBudgetIsNotReexecuted() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.gptMiner(), steps: 2)
        var policy = VerificationPolicy()
        policy.activationBudgetBytes = 1 << 10
        let withTrees = try ProofBundle(bytes: run.bundleJSON(.inline, trees: true))
        let report = try PoGOTestSupport.verify(withTrees, beacon: PoGOTestSupport.blockSeed, policy: policy)
        #expect(report.mode == .leafOnly && report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.leafOnlyReason?.contains("above the pass budget 1024") == true, "\(report.leafOnlyReason ?? "")")
        #expect {
            try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed, policy: policy)
        } throws: { error in
            guard case let .treeFilesRequired(reason)? = error as? PoGOVerificationError else { return false }
            return reason.contains("pass budget")
        }
    }

    @Test func estimatedPeakAboveTheMemoryIsNotReexecuted() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 2)
        let bundle = try ProofBundle(bytes: run.bundleJSON(.inline, trees: true))
        let cost = ReexecutionCost(bundle: bundle, policy: VerificationPolicy())
        let tight = PoGOVerifier(datasets: PoGOTestSupport.datasets, memory: ReexecutionMemory(capacityBytes: cost.peakBytes - 1))
        let report = try tight.verify(bundle, beacon: ChallengeBeacon(PoGOTestSupport.blockSeed, source: .caller))
        #expect(report.mode == .leafOnly)
        #expect(report.leafOnlyReason == "re-execution needs an estimated \(cost.peakBytes) bytes, above the \(cost.peakBytes - 1) bytes this verifier has")
        let enough = PoGOVerifier(datasets: PoGOTestSupport.datasets, memory: ReexecutionMemory(capacityBytes: cost.peakBytes))
        let full = try enough.verify(bundle, beacon: ChallengeBeacon(PoGOTestSupport.blockSeed, source: .caller))
        #expect(full.mode == .full && full.verdict == .positive && full.leafOnlyReason == nil)
        #expect(enough.memory?.reservedBytes == 0)
    }

    @Test func reservationsWaitForMemoryInArrivalOrder() throws {
        let memory = ReexecutionMemory(capacityBytes: 10)
        let order = Mutex<[String]>([])
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let first = Thread {
            memory.withReservation(6) {
                order.withLock { $0.append("first") }
                holding.signal()
                release.wait()
            }
        }
        first.start()
        holding.wait()
        let done = DispatchGroup()
        // Each reservation starts only once the previous one is queued, however slowly threads
        // are scheduled on a busy machine.
        // Small (4) fits beside the first (6) but not beside large (7): only arrival order keeps
        // it waiting now, and it runs after large has finished, so the order is deterministic.
        for (queued, (name, bytes)) in [("large", 7), ("small", 4)].enumerated() {
            done.enter()
            Thread {
                memory.withReservation(bytes) { order.withLock { $0.append(name) } }
                done.leave()
            }.start()
            while memory.waitingReservations < queued + 1 { Thread.sleep(forTimeInterval: 0.01) }
        }
        Thread.sleep(forTimeInterval: 0.2)
        // 4 bytes would fit beside the first 6, but the large reservation came first.
        #expect(order.withLock { $0 } == ["first"])
        #expect(memory.reservedBytes == 6)
        release.signal()
        done.wait()
        #expect(order.withLock { $0 } == ["first", "large", "small"])
        #expect(memory.reservedBytes == 0)
    }

    @Test func defaultCapFitsAnEightGibibyteReplicaWithFullPasses() {
        // docs/protocol-parts/verification.md, "Memory": the cap's derivation.
        let policy = VerificationPolicy()
        let peak = ReexecutionCost.fixedBytes + ReexecutionCost.bytesPerParameter(challengedSteps: policy.challengedSteps)
            * policy.maxReexecutedParameters + 2 * policy.activationBudgetBytes
        #expect(peak <= 8 << 30)
        #expect(peak + ReexecutionCost.bytesPerParameter(challengedSteps: 2) * 10_000_000 > 8 << 30, "the cap is within 10M of the limit")
        // A GPT of GPT-2 small's shape (12 layers, 768 channels, 12 heads) at 1,024 tokens re-executes one example per pass.
        let gpt2 = try? GPT(GPT.Config(layers: 12, channels: 768, heads: 12, context: 1_024))
        let bytes = 4 * (gpt2?.activationFloats(T: 1_024, backward: true) ?? .max)
        #expect(bytes <= policy.activationBudgetBytes && bytes > 1_200_000_000)
    }
}
