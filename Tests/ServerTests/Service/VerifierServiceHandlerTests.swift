import Foundation
import TestSupport
import Testing
@testable import HTTPCore
@testable import Server
@testable import Verification

/// The handlers called directly, without sockets: status codes, documents and problems.
struct VerifierServiceHandlerTests {
    /// A service on a fresh data folder, no model, no data sets, no workers.
    static func service() throws -> VerifierService {
        var configuration = ServiceConfiguration()
        configuration.dataDirectory = try Scratch.directory("handlers").path
        configuration.datasetDirectory = try Scratch.directory("handlers-data").path
        configuration.modelDirectory = "/nonexistent"
        configuration.workers = 0
        return try VerifierService(configuration: configuration, log: StderrLog())
    }

    static func problem(_ body: () throws -> HTTPResponse) -> HTTPProblem? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? HTTPProblem
        }
    }

    @Test func submittingTheSameBytesTwiceAnswers202Then200WithOneBody() throws {
        let service = try Self.service()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Tool.mine(into: try Scratch.directory("h-mined").path, steps: 1)))
        let request = HTTPRequest(method: .post, target: "/v1/pogo/bundles?beacon=" + String(repeating: "0a", count: 32), body: Array(bytes))
        let first = try service.submitBundle(request)
        let second = try service.submitBundle(request)
        #expect(first.status == .accepted && second.status == .ok)
        guard case let .bytes(a) = first.body, case let .bytes(b) = second.body else { Issue.record("not bytes"); return }
        #expect(a == b)
        let id = try ProofBundle(bytes: Array(bytes)).commitmentDigest.hex
        #expect(first.headers["Location"] == "/v1/pogo/bundles/" + id)
        let poll = try service.bundleStatus(HTTPRequest(method: .get, target: "/v1/pogo/bundles/" + id).with(id: id))
        #expect(poll.headers["Retry-After"] == "1")
    }

    @Test func refusesBeaconsThatAreNot32HexBytes() throws {
        let service = try Self.service()
        for beacon in ["00", String(repeating: "0", count: 63), String(repeating: "g", count: 64), String(repeating: "0", count: 66)] {
            let problem = Self.problem { try service.submitBundle(HTTPRequest(method: .post, target: "/v1/pogo/bundles?beacon=" + beacon, body: Array("{}".utf8))) }
            #expect(problem?.status == .badRequest && problem?.problem.extensions["field"] == .string("beacon"))
        }
    }

    @Test func pollsRefuseMalformedIdsAndUnknownOnes() throws {
        let service = try Self.service()
        let upper = String(repeating: "A", count: 64)
        let malformed = Self.problem { try service.bundleStatus(HTTPRequest(method: .get, target: "/").with(id: upper)) }
        #expect(malformed?.status == .badRequest)
        let unknown = Self.problem { try service.bundleStatus(HTTPRequest(method: .get, target: "/").with(id: String(repeating: "a", count: 64))) }
        #expect(unknown?.status == .notFound && unknown?.problem.extensions["field"] == .string("id"))
    }

    @Test func jsonFieldErrorsBecome400Or422NamingTheField() {
        let notJSON: JSONFieldError
        do { _ = try JSONCursor.parse(Array("{not json".utf8)); Issue.record("parsed"); return } catch { notJSON = error }
        #expect(ServiceProblem.jsonField(notJSON).status == .badRequest)
        let limited = ServiceProblem.jsonField(JSONFieldError(field: "steps", reason: "too many", limit: 1_000))
        #expect(limited.status == .unprocessableContent)
        #expect(limited.problem.extensions == ["field": .string("steps"), "limit": .int(1_000)])
        #expect(ServiceProblem.jsonField(JSONFieldError(field: "", reason: "must be an object")).problem.extensions["field"] == .string("body"))
    }

    @Test func failedJobsCarryTheErrorAndNoReport() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        let job = Job(id: String(repeating: "a", count: 64), digest: Digest(bytes: [UInt8](repeating: 0xAA, count: 32)),
                      commitment: Digest(bytes: [UInt8](repeating: 0xAA, count: 32)), runKey: nil, bundle: [],
                      beacon: ChallengeBeacon(Digest(bytes: [UInt8](repeating: 1, count: 32)), source: .verifier), status: .failed,
                      createdAt: date, updatedAt: date, startedAt: date, finishedAt: date, leaseOwner: nil, leaseExpiresAt: nil,
                      attempts: 3, lastError: "artifact unreadable", report: nil, attestation: nil, eip712: nil)
        let document = try #require(try JSONSerialization.jsonObject(
            with: Data(JobDocument.full(job, equivocations: EquivocationPage(entries: [], total: 0)))) as? [String: Any])
        #expect(document["status"] as? String == "failed" && document["error"] as? String == "artifact unreadable")
        #expect(document["report"] == nil && document["attestation"] == nil && document["eip712"] == nil)
        #expect(document["createdAt"] as? String == "2023-11-14T22:13:20.123Z")
        #expect(document["attempts"] as? Int == 3)
    }

    @Test(arguments: [(0.0, "1970-01-01T00:00:00.000Z"), (0.001, "1970-01-01T00:00:00.001Z"),
                      (-0.001, "1969-12-31T23:59:59.999Z"), (1_700_000_000.999, "2023-11-14T22:13:20.999Z")])
    func timestampsKeepWholeMilliseconds(_ seconds: Double, _ expected: String) {
        #expect(JobDocument.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func verificationDocumentsExplainEveryOutcome() throws {
        let key = SigningKey.generate()
        let envelope = try AttestationPredicate.pogoStatement(commitment: SHA256.hash([1]), verdict: .positive, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier)).signed(by: key)
        let cases: [(DSSEVerification, Bool)] = [
            (.valid(keyID: key.keyID, payload: envelope.payload), true),
            (.valid(keyID: key.keyID, payload: Array("not json".utf8)), false),
            (.wrongPayloadType(got: "x", want: "y"), false),
            (.badSignature(keyIDs: ["k"]), false),
            (.noTrustedSignature(keyIDs: []), false),
        ]
        for (outcome, valid) in cases {
            let document = try #require(try JSONSerialization.jsonObject(
                with: Data(VerifierService.verificationDocument(outcome, envelope: envelope))) as? [String: Any])
            #expect(document["valid"] as? Bool == valid)
            #expect((document["reason"] == nil) == valid)
            #expect(document["payloadType"] as? String == InTotoStatement.payloadType)
        }
    }

    /// The predicate comes back as signed: member order and number literals untouched, so a
    /// client sees the decimal the verifier wrote, not a re-encoding of it.
    @Test func verificationDocumentEchoesThePredicateAsSigned() throws {
        let key = SigningKey.generate()
        let statement = try InTotoStatement(subjects: [.init(name: "o", sha256: SHA256.hash([2]))], predicateType: PredicateType.poqScore,
                                            predicateJSON: Array(#"{"score":0.1000000000000000055511151231257827,"evaluator":"e"}"#.utf8))
        let envelope = statement.signed(by: key)
        let text = String(decoding: VerifierService.verificationDocument(.valid(keyID: key.keyID, payload: envelope.payload), envelope: envelope),
                          as: UTF8.self)
        #expect(text.contains(#""predicate":{"score":0.1000000000000000055511151231257827,"evaluator":"e"}"#), "\(text)")
        #expect(text.hasPrefix(#"{"keyId":""#) && text.hasSuffix(#""valid":true}"#))
    }
}

extension HTTPRequest {
    /// The request as the router hands it over after matching `{id}`.
    func with(id: String) -> HTTPRequest {
        var copy = self
        copy.pathParameters = ["id": id]
        return copy
    }
}
