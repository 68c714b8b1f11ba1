import Testing
import Verification

/// The seeded initialisers agree with the Python miner's (tools/reference_models.py init).
struct InitializerReferenceTests {
    @Test func splitMix64MatchesPublishedFirstOutput() {
        // SplitMix64 with seed 0: first output 0xE220A8397B1DCDAF (Vigna's reference splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test(arguments: [
        ("mlp", "{\"inputs\":5,\"hidden\":[4,3],\"classes\":2,\"activation\":\"tanh\"}"),
        ("gpt", "{\"layers\":2,\"channels\":4,\"heads\":2,\"context\":3}"),
    ])
    func initialParametersMatchPythonInit(arch: String, config: String) throws {
        let layout: ParameterLayout
        let theta: [Float]
        if arch == "mlp" {
            let model = try MLP(.init(inputs: 5, hidden: [4, 3], classes: 2, activation: .tanh))
            (layout, theta) = (model.layout, model.initialParameters(seed: 42))
        } else {
            let model = try GPT(.init(layers: 2, channels: 4, heads: 2, context: 3))
            (layout, theta) = (model.layout, model.initialParameters(seed: 42))
        }
        let python = try ReferenceRunner.runInit(arch: arch, config: config, seed: 42, layout: layout)
        #expect(python == theta)
    }
}
