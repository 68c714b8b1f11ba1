internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/attestations/verify: {"envelope": {...}, "publicKey"?: base64url} checked against
    /// the supplied key, else against this service's keys. The body is read strictly (no
    /// repeated keys, valid UTF-8), like every other JSON body of the service.
    func verifyAttestation(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxVerifyBytes)
        let envelopeBytes: [UInt8]
        let keyText: String?
        do {
            let root = try JSONCursor.parse(request.body, shape: .object(["envelope": .any, "publicKey": .any]))
            envelopeBytes = try root.member("envelope").objectText()
            keyText = try root.optionalMember("publicKey")?.string(maxBytes: 128)
        } catch {
            throw ServiceProblem.jsonField(error)
        }
        var trusted = [key.publicKey]
        if let keyText {
            do {
                trusted = [try PublicKey(base64URL: keyText)]
            } catch {
                throw ServiceProblem.field(.unprocessableContent, "publicKey", "publicKey: \(error)")
            }
        }
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope(json: envelopeBytes)
        } catch {
            throw Self.problem(error)
        }
        return .json(bytes: Self.verificationDocument(envelope.verify(trustedKeys: trusted, expectedPayloadType: InTotoStatement.payloadType),
                                                      envelope: envelope))
    }

    /// {keyId?, payloadType, reason?, statement?, valid}, members sorted. The statement's
    /// predicate is echoed as signed (member order and number literals kept).
    static func verificationDocument(_ result: DSSEVerification, envelope: DSSEEnvelope) -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [("payloadType", .string(envelope.payloadType))]
        func invalid(_ reason: String) {
            members += [("reason", .string(reason)), ("valid", .bool(false))]
        }
        switch result {
        case let .valid(keyID, payload):
            members.append(("keyId", .string(keyID)))
            do {
                let statement = try InTotoStatement(json: payload)
                // The statement parser has already read the predicate strictly and kept it compact.
                let predicate = JSONValue.text(statement.predicateJSON)
                let subjects = statement.subjects.map { subject -> JSONValue in
                    var entry: [(key: String, value: JSONValue)] = [
                        ("digest", .object(subject.digest.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                    ]
                    if let name = subject.name { entry.append(("name", .string(name))) }
                    return .object(entry)
                }
                members.append(("statement", .object([("predicate", predicate), ("predicateType", .string(statement.predicateType)),
                                                      ("subjects", .array(subjects))])))
                members.append(("valid", .bool(true)))
            } catch {
                invalid("signature holds but the payload is not an in-toto Statement v1: \(error)")
            }
        case let .wrongPayloadType(got, want):
            invalid("payloadType is \(got), want \(want)")
        case let .badSignature(keyIDs):
            invalid("no signature holds under the trusted keys \(keyIDs.joined(separator: ", "))")
        case let .noTrustedSignature(keyIDs):
            invalid("no signature holds under a trusted key, and none names one (key ids present: \(keyIDs.joined(separator: ", ")))")
        }
        return JSONValue.object(members.sorted { $0.key < $1.key }).encoded()
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
