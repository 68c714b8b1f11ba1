import Testing
@testable import Verification

struct PoQAttestationTests {
    static let prompt = "What is the capital of France?"
    static let output = "Paris is the capital of France."
    static let identity = PoQEvaluatorIdentity(
        mode: .similarity, weightsSHA256: Digest(hex: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")!)

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
        let expected = #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"evaluator":{"identity":"poq/1 similarity sha256:53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db","mode":"similarity","weightsSha256":"53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"},"outputSha256":"557be7eca214f1889cdb6dfa348eb7c937648c9d6be72bfc1b8204adf7552a43","promptSha256":"115049a298532be2f181edb03f766770c0db84c22aff39003fec340deaec7545","score":0.5},"predicateType":"https://pogo-verifier.dev/poq/score/v1","subject":[{"digest":{"sha256":"f8ae03b7aec7bf84de17836a5532945929a2807b1505408f14d7aaaf9284e730"},"name":"poq-output"}]}"#
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
