import Testing
import Verification

struct InTotoStatementTests {
    struct Score: Codable, Equatable {
        let score: Double
        let evaluator: String
        let outputs: [Int]
    }

    static let abcDigest = SHA256.hash(Array("abc".utf8))

    @Test func writesKnownStatementBytesWithSortedKeys() throws {
        let statement = try InTotoStatement(
            subjects: [.init(name: "bundle", sha256: Self.abcDigest)],
            predicateType: PredicateType.poqScore,
            predicate: Score(score: 0.5, evaluator: "e/1", outputs: [1, 2]))
        let expected = #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"evaluator":"e/1","outputs":[1,2],"score":0.5},"predicateType":"https://pogo-verifier.dev/poq/score/v1","subject":[{"digest":{"sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},"name":"bundle"}]}"#
        #expect(String(decoding: statement.jsonBytes(), as: UTF8.self) == expected)
    }

    @Test func givesIdenticalBytesForIdenticalInputs() throws {
        func make() throws -> [UInt8] {
            try InTotoStatement(
                subjects: [.init(name: "a", digest: ["sha512": "00ff", "sha256": Self.abcDigest.hex]), .init(name: nil, sha256: Self.abcDigest)],
                predicateType: PredicateType.pogoAttestation,
                predicate: ["z": 1, "a": 2, "m": 3]).jsonBytes()
        }
        let first = try make()
        #expect(try make() == first)
        #expect(String(decoding: first, as: UTF8.self).contains(#"{"digest":{"sha256":"ba78"#))
        #expect(String(decoding: first, as: UTF8.self).contains(#""predicate":{"a":2,"m":3,"z":1}"#))
    }

    @Test func embedsPredicateBytesVerbatim() throws {
        let statement = try InTotoStatement(subjects: [.init(name: "x", sha256: Self.abcDigest)],
                                            predicateType: "https://example.com/p", predicateJSON: Array(" {\"b\":1.0,\"a\":[]}\n".utf8))
        #expect(statement.predicateJSON == Array("{\"b\":1.0,\"a\":[]}".utf8))
        #expect(String(decoding: statement.jsonBytes(), as: UTF8.self).contains(#""predicate":{"b":1.0,"a":[]},"#))
    }

    @Test func parsesItsOwnOutputBack() throws {
        let score = Score(score: 0.125, evaluator: "sha256:53aa", outputs: [3])
        let statement = try InTotoStatement(subjects: [.init(name: "out-0", sha256: Self.abcDigest)],
                                            predicateType: PredicateType.poqScore, predicate: score)
        let parsed = try InTotoStatement(json: statement.jsonBytes())
        #expect(parsed == statement)
        #expect(parsed.subjects[0].sha256 == Self.abcDigest)
        #expect(parsed.subjects[0].name == "out-0")
        #expect(try parsed.predicate(as: Score.self) == score)
    }

    @Test func readsMissingPredicateAsEmptyObject() throws {
        let json = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"https://example.com/p"}"#
        let parsed = try InTotoStatement(json: Array(json.utf8))
        #expect(parsed.predicateJSON == Array("{}".utf8))
        #expect(parsed.subjects == [.init(name: nil, digest: ["sha256": "00"])])
        #expect(parsed.subjects[0].sha256 == nil)
    }

    @Test func signedStatementVerifiesAndParses() throws {
        let key = SigningKey.generate()
        let statement = try InTotoStatement(subjects: [.init(name: "b", sha256: Self.abcDigest)],
                                            predicateType: PredicateType.pogoAttestation, predicate: ["verdict": "positive"])
        let envelope = try DSSEEnvelope(json: statement.signed(by: key).jsonBytes())
        guard case let .valid(keyID, payload) = envelope.verify(trustedKeys: [key.publicKey], expectedPayloadType: InTotoStatement.payloadType) else {
            Issue.record("signed statement did not verify")
            return
        }
        #expect(keyID == key.keyID)
        #expect(payload == statement.jsonBytes())
        #expect(try InTotoStatement(json: payload) == statement)
    }

    @Test func refusesInvalidStatementValues() {
        let subject = InTotoStatement.Subject(name: "x", sha256: Self.abcDigest)
        let p = "https://example.com/p"
        let object = Array("{}".utf8)
        #expect(throws: StatementError.noSubjects) { try InTotoStatement(subjects: [], predicateType: p, predicateJSON: object) }
        #expect(throws: StatementError.emptyDigest(subject: 1)) {
            try InTotoStatement(subjects: [subject, .init(name: "y", digest: [:])], predicateType: p, predicateJSON: object)
        }
        #expect(throws: StatementError.invalidDigestValue(subject: 0, algorithm: "sha256", value: "ABCD")) {
            try InTotoStatement(subjects: [.init(name: "y", digest: ["sha256": "ABCD"])], predicateType: p, predicateJSON: object)
        }
        #expect(throws: StatementError.invalidDigestValue(subject: 0, algorithm: "sha256", value: "abc")) {
            try InTotoStatement(subjects: [.init(name: "y", digest: ["sha256": "abc"])], predicateType: p, predicateJSON: object)
        }
        #expect(throws: StatementError.emptyPredicateType) { try InTotoStatement(subjects: [subject], predicateType: "", predicateJSON: object) }
        for text in ["[]", "1", "\"s\"", "{", "{} {}", ""] {
            #expect(throws: StatementError.predicateNotAnObject, "\(text)") {
                try InTotoStatement(subjects: [subject], predicateType: p, predicateJSON: Array(text.utf8))
            }
        }
        #expect(throws: StatementError.self) { try InTotoStatement(subjects: [subject], predicateType: p, predicate: [1, 2]) }
    }

    @Test(arguments: [
        (#"{"_type":"#, StatementError.invalidJSON),
        (#"[]"#, .notAnObject),
        (#"{"_type":"https://in-toto.io/Statement/v0.1","subject":[],"predicateType":"p"}"#, .wrongStatementType(got: "https://in-toto.io/Statement/v0.1")),
        (#"{"subject":[],"predicateType":"p"}"#, .missingField("_type")),
        (#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p"}"#, .missingField("subject")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}]}"#, .missingField("predicateType")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x"}],"predicateType":"p"}"#, .missingField("subject[0].digest")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":1}}],"predicateType":"p"}"#, .wrongFieldType(field: "subject[0].digest", want: "an object of strings")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"},"name":2}],"predicateType":"p"}"#, .wrongFieldType(field: "subject[0].name", want: "a string")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":["x"],"predicateType":"p"}"#, .wrongFieldType(field: "subject[0]", want: "an object")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#, .noSubjects),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate":[1]}"#, .predicateNotAnObject),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate":null}"#, .predicateNotAnObject),
    ])
    func refusesMalformedStatement(_ json: String, _ error: StatementError) {
        #expect(throws: error) { try InTotoStatement(json: Array(json.utf8)) }
    }
}
