internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/attestations/verify: {"envelope": {...}, "publicKey"?: base64url} checked against
    /// the supplied key, else against this service's keys.
    func verifyAttestation(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxVerifyBytes)
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
                throw ServiceProblem.field(.unprocessableContent, "body", "body must be a JSON object")
            }
            root = object
        } catch let problem as HTTPProblem {
            throw problem
        } catch {
            throw ServiceProblem.field(.badRequest, "body", "body is not valid JSON")
        }
        if let unknown = root.keys.sorted().first(where: { $0 != "envelope" && $0 != "publicKey" }) {
            throw ServiceProblem.field(.unprocessableContent, unknown, "\(unknown): unknown member")
        }
        guard let envelopeObject = root["envelope"] as? [String: Any] else {
            throw ServiceProblem.field(.unprocessableContent, "envelope", "envelope: must be a DSSE envelope object")
        }
        var trusted = [key.publicKey]
        if let keyValue = root["publicKey"] {
            guard let text = keyValue as? String else {
                throw ServiceProblem.field(.unprocessableContent, "publicKey", "publicKey: must be a base64url string")
            }
            do {
                trusted = [try PublicKey(base64URL: text)]
            } catch {
                throw ServiceProblem.field(.unprocessableContent, "publicKey", "publicKey: \(error)")
            }
        }
        let envelope: DSSEEnvelope
        do {
            let bytes = try JSONSerialization.data(withJSONObject: envelopeObject)
            envelope = try DSSEEnvelope(json: Array(bytes))
        } catch let error as DSSEError {
            throw Self.problem(error)
        }
        return .json(bytes: Self.verificationDocument(envelope.verify(trustedKeys: trusted, expectedPayloadType: InTotoStatement.payloadType),
                                                      envelope: envelope))
    }

    /// {valid, reason?, keyId?, payloadType, statement?}.
    static func verificationDocument(_ result: DSSEVerification, envelope: DSSEEnvelope) -> [UInt8] {
        var document: [String: Any] = ["payloadType": envelope.payloadType]
        switch result {
        case let .valid(keyID, payload):
            document["keyId"] = keyID
            do {
                let statement = try InTotoStatement(json: payload)
                document["valid"] = true
                document["statement"] = [
                    "subjects": statement.subjects.map { subject -> [String: Any] in
                        var entry: [String: Any] = ["digest": subject.digest]
                        if let name = subject.name { entry["name"] = name }
                        return entry
                    },
                    "predicateType": statement.predicateType,
                    "predicate": (try? JSONSerialization.jsonObject(with: Data(statement.predicateJSON))) ?? [:],
                ] as [String: Any]
            } catch {
                document["valid"] = false
                document["reason"] = "signature holds but the payload is not an in-toto Statement v1: \(error)"
            }
        case let .wrongPayloadType(got, want):
            document["valid"] = false
            document["reason"] = "payloadType is \(got), want \(want)"
        case let .badSignature(keyIDs):
            document["valid"] = false
            document["reason"] = "no signature holds under the trusted keys \(keyIDs.joined(separator: ", "))"
        case let .noTrustedSignature(keyIDs):
            document["valid"] = false
            document["reason"] = "no signature names a trusted key (key ids present: \(keyIDs.joined(separator: ", ")))"
        }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    static func problem(_ error: DSSEError) -> HTTPProblem {
        switch error {
        case let .tooLarge(bytes, limit):
            ServiceProblem.field(.contentTooLarge, "envelope", "envelope: \(bytes) bytes, limit \(limit)", limit: limit)
        case .invalidJSON, .notAnObject:
            ServiceProblem.field(.unprocessableContent, "envelope", "envelope: \(error)")
        case let .missingField(field), let .wrongFieldType(field, _), let .invalidBase64(field):
            ServiceProblem.field(.unprocessableContent, "envelope.\(field)", "envelope.\(field): \(error)")
        case .noSignatures:
            ServiceProblem.field(.unprocessableContent, "envelope.signatures", "envelope: \(error)")
        case let .tooManySignatures(_, limit):
            ServiceProblem.field(.unprocessableContent, "envelope.signatures", "envelope: \(error)", limit: limit)
        }
    }
}
