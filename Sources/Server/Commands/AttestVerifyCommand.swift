internal import Foundation
internal import Verification

/// `verifier attest verify ENVELOPE.json --key KEY`: checks a DSSE envelope carrying an
/// in-toto Statement against one trusted Ed25519 key and prints what it attests as JSON.
///
/// KEY is a PEM file (private or public key) if a file of that name exists, otherwise the
/// base64url text of the 32 raw public-key bytes. Exit status: 0 valid, 1 invalid or
/// malformed envelope (with {"valid":false,"reason":...}), 2 usage (including an unusable KEY).
enum AttestVerifyCommand: Subcommand {
    static let name = "attest verify"
    static let usage = "attest verify ENVELOPE.json --key KEY   (KEY: PEM key file or base64url public key)"

    static func run(_ arguments: [String]) throws -> Int32 {
        let scanner = try ArgumentScanner(arguments, valued: ["--key"])
        guard scanner.positionals.count == 1 else { throw UsageError("expected one ENVELOPE.json argument") }
        guard let keyArgument = scanner.value("--key") else { throw UsageError("--key KEY is required") }
        let key = try trustedKey(keyArgument)
        let envelopePath = scanner.positionals[0]
        let limits = DSSELimits()
        // Checked before reading so that a huge file is refused without loading it.
        if let size = (try? FileManager.default.attributesOfItem(atPath: envelopePath))?[.size] as? Int,
           size > limits.maxEnvelopeBytes {
            return try invalid("malformed envelope: \(DSSEError.tooLarge(bytes: size, limit: limits.maxEnvelopeBytes))")
        }
        guard let data = FileManager.default.contents(atPath: envelopePath) else {
            throw UsageError("cannot read \(envelopePath)")
        }
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope(json: Array(data), limits: limits)
        } catch {
            return try invalid("malformed envelope: \(error)")
        }
        switch envelope.verify(trustedKeys: [key], expectedPayloadType: InTotoStatement.payloadType) {
        case let .valid(keyID, payload):
            let statement: InTotoStatement
            do {
                statement = try InTotoStatement(json: payload)
            } catch {
                return try invalid("signed payload is not an in-toto Statement v1: \(error)")
            }
            try JSONOutput.print([
                "valid": true,
                "keyId": keyID,
                "payloadType": envelope.payloadType,
                "predicateType": statement.predicateType,
                "subjects": statement.subjects.map { subject -> [String: Any] in
                    var entry: [String: Any] = ["digest": subject.digest]
                    if let name = subject.name { entry["name"] = name }
                    return entry
                },
            ])
            return 0
        case let .wrongPayloadType(got, want):
            return try invalid("payloadType is \(got), want \(want)")
        case .badSignature:
            return try invalid("signature does not verify under key \(key.keyID)")
        case let .noTrustedSignature(keyIDs):
            return try invalid("no signature holds under key \(key.keyID); key ids present: [\(keyIDs.joined(separator: ", "))]")
        }
    }

    private static func trustedKey(_ argument: String) throws -> PublicKey {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue {
            do {
                return try KeyFile.read(argument).publicKey
            } catch {
                throw UsageError("--key: \(error)")
            }
        }
        do {
            return try PublicKey(base64URL: argument)
        } catch {
            throw UsageError("--key is neither a key file nor a base64url Ed25519 public key: \(error)")
        }
    }

    private static func invalid(_ reason: String) throws -> Int32 {
        try JSONOutput.print(["valid": false, "reason": reason])
        return 1
    }
}
