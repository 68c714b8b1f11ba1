internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/poq/scores: scores each output against the prompt and signs each score twice: a
    /// DSSE envelope (`attestation`) and EIP-712 typed data (`eip712`).
    func score(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.poqRequestBytes)
        guard let scheduler else { throw ServiceProblem.unavailable("the PoQ evaluator model is not loaded", retryAfter: 30) }
        let (prompt, outputs) = try Self.scoringRequest(request.body, maxOutputs: configuration.poqMaxOutputs,
                                                        maxCharacters: configuration.poqMaxTextCharacters)
        let start = ContinuousClock.now
        let scores: [Double]
        do {
            // While it waits: a client that has gone gets nothing, so its work is withdrawn.
            scores = try scheduler.score(prompt: prompt, outputs: outputs) { request.clientIsConnected }
        } catch {
            throw Self.problem(error)
        }
        metrics.scoringDuration.observe((ContinuousClock.now - start) / .seconds(1))
        let identity = scheduler.evaluator.identity
        var entries: [JSONValue] = []
        for (index, (output, score)) in zip(outputs, scores).enumerated() {
            let envelope = try PoQAttestation.envelope(prompt: prompt, output: output, score: score, evaluator: identity, key: key)
            let eip712 = PoQAttestation.eip712Attestation(prompt: prompt, output: output, score: score, evaluator: identity,
                                                          key: signingKeys.secp256k1, domain: signingKeys.domain)
            let digest = PoQAttestation.pairDigest(prompt: prompt, output: output)
            entries.append(.object([
                ("attestation", .text(envelope.jsonBytes())), ("eip712", .text(Array(eip712.json.utf8))),
                ("index", .number(String(index))), ("outputDigest", .string(digest.hex)), ("score", .number("\(score)")),
            ]))
        }
        let evaluator = JSONValue.object([
            ("identity", .string(identity.description)), ("mode", .string(identity.mode.rawValue)),
            ("weightsRoot", .string(identity.weightsRoot.hex)),
        ])
        return .json(bytes: JSONValue.object([("evaluator", evaluator), ("scores", .array(entries))]).encoded())
    }

    /// Reads {"prompt": string, "outputs": [string, ...]}, refusing unknown members, and texts
    /// longer than `maxCharacters` Unicode scalars, before any scoring.
    static func scoringRequest(_ body: [UInt8], maxOutputs: Int, maxCharacters: Int) throws -> (String, [String]) {
        do {
            let root = try JSONCursor.parse(body, shape: .object(["prompt": .any, "outputs": .array(.any)]))
            let prompt = try text(root.member("prompt"), maxCharacters: maxCharacters)
            let list = try root.member("outputs").array(maxCount: maxOutputs)
            guard !list.isEmpty else {
                throw ServiceProblem.field(.unprocessableContent, "outputs", "outputs: at least one output is required")
            }
            let outputs = try list.map { try text($0, maxCharacters: maxCharacters) }
            return (prompt, outputs)
        } catch let error as JSONFieldError {
            throw ServiceProblem.jsonField(error)
        }
    }

    private static func text(_ cursor: JSONCursor, maxCharacters: Int) throws -> String {
        let value = try cursor.string(maxBytes: .max)
        let count = value.unicodeScalars.count
        guard count <= maxCharacters else {
            throw ServiceProblem.field(.unprocessableContent, cursor.path,
                                       "\(cursor.path): \(count) characters, limit \(maxCharacters)", limit: maxCharacters)
        }
        return value
    }

    /// The evaluator's own refusals (the request reader catches them first; kept exact anyway).
    static func problem(_ error: PoQError) -> HTTPProblem {
        switch error {
        case .noOutputs:
            ServiceProblem.field(.unprocessableContent, "outputs", "outputs: at least one output is required")
        case let .tooManyOutputs(count, limit):
            ServiceProblem.field(.unprocessableContent, "outputs", "outputs: \(count) entries, limit \(limit)", limit: limit)
        case let .promptTooLarge(bytes, limit):
            ServiceProblem.field(.unprocessableContent, "prompt", "prompt: \(bytes) bytes, limit \(limit)", limit: limit)
        case let .outputTooLarge(index, bytes, limit):
            ServiceProblem.field(.unprocessableContent, "outputs[\(index)]", "outputs[\(index)]: \(bytes) bytes, limit \(limit)", limit: limit)
        case let .sequenceLimitExceedsModel(limit, positions):
            ServiceProblem.field(.internalServerError, "model", "sequence limit \(limit) exceeds the model's \(positions) positions")
        case let .cancelled(encoded, total):
            // Logged, never sent: the client has gone.
            HTTPProblem(.clientClosedRequest, "the client left; scoring stopped after \(encoded) of \(total) sequences")
        }
    }
}
