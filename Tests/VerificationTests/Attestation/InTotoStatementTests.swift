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

    @Test func keepsThePredicateAsSignedAndRefusesInvalidUTF8() throws {
        let json = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate": { "z" : 1.0E0, "a":[0.30000000000000004, "\u00e9"] }}"#
        let parsed = try InTotoStatement(json: Array(json.utf8))
        #expect(String(decoding: parsed.predicateJSON, as: UTF8.self) == #"{"z":1.0E0,"a":[0.30000000000000004,"é"]}"#)
        // The "p" of "predicateType":"p" becomes 0xFF: still JSON in shape, no longer UTF-8.
        let marker = Array(#""predicateType":"p""#.utf8)
        var bad = Array(json.utf8)
        let at = try #require((0...(bad.count - marker.count)).first { Array(bad[$0..<($0 + marker.count)]) == marker })
        bad[at + marker.count - 2] = 0xFF
        #expect(throws: StatementError.invalidJSON) { try InTotoStatement(json: bad) }
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
        // A null member is present and of the wrong type, not missing.
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":null,"predicateType":"p"}"#, .wrongFieldType(field: "subject", want: "an array")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}},{"digest":null}],"predicateType":"p"}"#, .wrongFieldType(field: "subject[1].digest", want: "an object of strings")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"},"name":null}],"predicateType":"p"}"#, .wrongFieldType(field: "subject[0].name", want: "a string")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":null}"#, .wrongFieldType(field: "predicateType", want: "a string")),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#, .noSubjects),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate":[1]}"#, .predicateNotAnObject),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate":null}"#, .predicateNotAnObject),
        // Repeated keys, at the top, in a digest map, in the predicate: not strict JSON.
        (#"{"_type":"https://in-toto.io/Statement/v1","_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p"}"#, .invalidJSON),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00","sha256":"11"}}],"predicateType":"p"}"#, .invalidJSON),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p","predicate":{"a":1,"a":2}}"#, .invalidJSON),
    ])
    func refusesMalformedStatement(_ json: String, _ error: StatementError) {
        #expect(throws: error) { try InTotoStatement(json: Array(json.utf8)) }
    }
}

extension InTotoStatementTests {
    @Test func signsDocumentedWorkedExampleExactly() throws {
        // docs/protocol-parts/attestations.md, "Worked example"; signature computed independently
        // with pyca/cryptography over the same PAE.
        let statement = try InTotoStatement(subjects: [.init(name: "bundle", sha256: Self.abcDigest)],
                                            predicateType: PredicateType.pogoAttestation, predicate: ["verdict": "positive"])
        #expect(statement.jsonBytes().count == 259)
        let pae = DSSEEnvelope.pae(payloadType: InTotoStatement.payloadType, payload: statement.jsonBytes())
        #expect(SHA256.hash(pae).hex == "f0299244ded7420131077f85e3e384c37adb459ccc6e1b324455aec376454284")
        let envelope = statement.signed(by: try RFC8032Vector.all[0].signingKey())
        #expect(Hex.encode(envelope.signatures[0].bytes)
            == "b815217473a4c75fb08e66dae45665c774818031642a145627a01d778912762409466d33aefc6618f7abb53ff9578c51de210760bf27ecd17fda04ece9beb902")
        let expected = #"{"payload":"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsidmVyZGljdCI6InBvc2l0aXZlIn0sInByZWRpY2F0ZVR5cGUiOiJodHRwczovL3BvZ28tdmVyaWZpZXIuZGV2L3BvZ28vYXR0ZXN0YXRpb24vdjIiLCJzdWJqZWN0IjpbeyJkaWdlc3QiOnsic2hhMjU2IjoiYmE3ODE2YmY4ZjAxY2ZlYTQxNDE0MGRlNWRhZTIyMjNiMDAzNjFhMzk2MTc3YTljYjQxMGZmNjFmMjAwMTVhZCJ9LCJuYW1lIjoiYnVuZGxlIn1dfQ==","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9","sig":"uBUhdHOkx1+wjmba5FZlx3SBgDFkKhRWJ6Add4kSdiQJRm0zrvxmGPertT/5V4xR3iEHYL8n7NF/2gTs6b65Ag=="}]}"#
        #expect(String(decoding: envelope.jsonBytes(), as: UTF8.self) == expected)
    }
}
