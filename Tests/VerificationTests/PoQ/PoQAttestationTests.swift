import Testing
@testable import Verification

struct PoQAttestationTests {
    static let prompt = "What is the capital of France?"
    static let output = "Paris is the capital of France."
    /// The bundled all-MiniLM-L6-v2's identity, as tools/poq_identity.py computes it
    /// (docs/protocol-parts/poq.md, worked example).
    static let identity = PoQEvaluatorIdentity(
        mode: .similarity, digest: Digest(hex: "e8b14687d0842b6b065769ec205b1c9f95f9fda7b87636e875c676949e19c52d")!,
        weightsRoot: Digest(hex: "dfe6d6ec233a111b4cb7c2ee6465f7f5c10fce4b564d48463c278c8148914950")!)

    /// Known answer computed with Python's hashlib (docs/protocol-parts/poq.md, worked example).
    @Test func pairDigestMatchesTheWorkedExample() {
        #expect(SHA256.hash(Array(Self.prompt.utf8)).hex == "115049a298532be2f181edb03f766770c0db84c22aff39003fec340deaec7545")
        #expect(SHA256.hash(Array(Self.output.utf8)).hex == "557be7eca214f1889cdb6dfa348eb7c937648c9d6be72bfc1b8204adf7552a43")
        #expect(PoQAttestation.pairDigest(prompt: Self.prompt, output: Self.output).hex
                == "f8ae03b7aec7bf84de17836a5532945929a2807b1505408f14d7aaaf9284e730")
    }

    @Test func pairDigestSeparatesPromptFromOutput() {
        #expect(PoQAttestation.pairDigest(prompt: "ab", output: "c") != PoQAttestation.pairDigest(prompt: "a", output: "bc"))
        #expect(PoQAttestation.pairDigest(prompt: "a", output: "b") != PoQAttestation.pairDigest(prompt: "b", output: "a"))
    }

    @Test func statementBytesMatchTheWorkedExample() throws {
        let statement = try PoQAttestation.statement(prompt: Self.prompt, output: Self.output, score: 0.5, evaluator: Self.identity)
        let expected = #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"evaluator":{"identity":"poq/1 similarity sha256:e8b14687d0842b6b065769ec205b1c9f95f9fda7b87636e875c676949e19c52d","mode":"similarity","weightsRoot":"dfe6d6ec233a111b4cb7c2ee6465f7f5c10fce4b564d48463c278c8148914950"},"outputSha256":"557be7eca214f1889cdb6dfa348eb7c937648c9d6be72bfc1b8204adf7552a43","promptSha256":"115049a298532be2f181edb03f766770c0db84c22aff39003fec340deaec7545","score":0.5},"predicateType":"https://pogo-verifier.dev/poq/score/v1","subject":[{"digest":{"sha256":"f8ae03b7aec7bf84de17836a5532945929a2807b1505408f14d7aaaf9284e730"},"name":"poq-output"}]}"#
        #expect(String(decoding: statement.jsonBytes(), as: UTF8.self) == expected)
    }

    /// The envelope the service signs is a ballot finalization counts.
    @Test func finalizationReadsTheSignedScore() throws {
        let key = SigningKey.generate()
        let envelope = try PoQAttestation.envelope(prompt: Self.prompt, output: Self.output, score: 0.625,
                                                   evaluator: Self.identity, key: key)
        let request = try FinalizationRequest(
            kind: .poq, subject: PoQAttestation.pairDigest(prompt: Self.prompt, output: Self.output),
            verifiers: [.init(publicKey: key.publicKey, stake: 1)], attestations: [.envelope(envelope)])
        let result = Finalizer.finalize(request)
        #expect(result.decision == .scored && result.consensus == 0.625 && result.rejected.isEmpty)
    }
}
