import Foundation
import TestSupport
import Testing
@testable import Verification

/// The strict rules against independent references: the small-order points derived from the
/// curve equation (tools/ed25519_vectors.py) and libsodium itself (tools/ed25519_strict_reference.py).
struct Ed25519StrictCrossCheckTests {
    static let vectors = "ed25519_vectors.py"

    struct SmallOrderEncoding: Decodable {
        let hex: String
        let order: Int
        let canonical: Bool
    }

    /// Every encoding of every small-order point, from tools/ed25519_vectors.py small-order.
    static func smallOrderEncodings() throws -> [SmallOrderEncoding] {
        let result = try Python.run(vectors, ["small-order"])
        guard result.status == 0 else { throw Ed25519Case.ReferenceFailure(stderr: result.stderr) }
        return try JSONDecoder().decode([SmallOrderEncoding].self, from: Data(result.stdout.utf8))
    }

    /// The signature R = identity, S = h*a of `message` under the key of `seed` (tools/ed25519_vectors.py identity-r).
    static func identityRSignature(seed: [UInt8], message: [UInt8]) throws -> [UInt8] {
        let path = try Scratch.directory("attest").appendingPathComponent("message").path
        try Data(message).write(to: URL(fileURLWithPath: path))
        let result = try Python.run(vectors, ["identity-r", "--seed", Hex.encode(seed), "--message-file", path])
        guard result.status == 0, let signature = Hex.decode(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Ed25519Case.ReferenceFailure(stderr: result.stderr)
        }
        return signature
    }

    /// 14 encodings of 8 points: each refused, as small-order when canonical, else as non-canonical.
    @Test func refusesEveryEncodingOfEverySmallOrderPoint() throws {
        let encodings = try Self.smallOrderEncodings()
        #expect(encodings.count == 14)
        #expect(encodings.filter(\.canonical).count == 8)
        for encoding in encodings {
            let raw = Hex.decode(encoding.hex)!
            do throws(KeyError) {
                _ = try PublicKey(rawBytes: raw)
                Issue.record("imported small-order key \(encoding.hex)")
            } catch let .smallOrderPublicKey(hex, order) {
                #expect(encoding.canonical && hex == encoding.hex && order == encoding.order, "\(encoding.hex)")
            } catch let .nonCanonicalPublicKey(hex, _) {
                #expect(!encoding.canonical && hex == encoding.hex, "\(encoding.hex)")
            } catch {
                Issue.record("\(encoding.hex): \(error)")
            }
        }
    }

    /// R = identity with S = h*a under an honest key: OpenSSL's check alone accepts it (the bytes
    /// of [S]B - [h]A are the identity's), the strict rules do not (R has small order).
    @Test(arguments: RFC8032Vector.all)
    func refusesIdentityRUnderHonestKey(_ vector: RFC8032Vector) throws {
        let message = Array("an envelope nobody signed".utf8)
        let key = try vector.signingKey().publicKey
        let forged = try Self.identityRSignature(seed: Hex.decode(vector.secretKey)!, message: message)
        #expect(Array(forged[..<32]) == Ed25519StrictTests.identity)
        #expect(Ed25519Backend.verify(key.backend, signature: forged, message: message), "not a forgery OpenSSL accepts")
        #expect(!key.isValidSignature(forged, for: message))
        #expect(try Ed25519Case.libsodiumAccepts([Ed25519Case(message: message, publicKey: key.rawBytes, signature: forged,
                                                               condition: "identity R")]) == [false])
    }

    /// The speccheck cases plus generated mutations: identical accept/refuse to libsodium's, case by case.
    @Test func acceptsAndRefusesExactlyLikeLibsodium() throws {
        let cases = try Ed25519StrictMutations.all(smallOrder: try Self.smallOrderEncodings().map { Hex.decode($0.hex)! },
                                                    identityR: Self.identityRSignature)
            + Ed25519Case.load(Ed25519SpeccheckTests.file)
        let libsodium = try Ed25519Case.libsodiumAccepts(cases)
        #expect(libsodium.count == cases.count)
        var disagreements: [String] = []
        for (testCase, reference) in zip(cases, libsodium) where testCase.acceptedBySwift != reference {
            disagreements.append("\(testCase.condition ?? ""): key \(testCase.pub_key) sig \(testCase.signature) libsodium \(reference)")
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(cases.count):\n\(disagreements.prefix(10).joined(separator: "\n"))")
        // Both verdicts occur, so agreement is not agreement on refusing everything.
        #expect(libsodium.contains(true) && libsodium.contains(false))
    }
}
