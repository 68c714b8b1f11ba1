import Testing
import Verification

/// Request parsing and validation: field-named errors, thresholds, stakes, limits at N and N+1.
struct FinalizationRequestTests {
    typealias S = FinalizationTestSupport
    let k0 = S.key(0), k1 = S.key(1), k2 = S.key(2)

    func field(_ json: [UInt8], limits: FinalizationLimits = .init()) -> String? {
        do {
            _ = try FinalizationRequest(json: json, limits: limits)
            return nil
        } catch {
            return error.field
        }
    }

    @Test func parsesRequestAndDecides() throws {
        let envelopes = [k0, k1].map { try! AttestationPredicate.pogoStatement(commitment: S.bundle, verdict: .positive, beacon: S.drawnBeacon).signed(by: $0) }
        let json = S.requestJSON(verifiers: [(k0, 1), (k1, 1), (k2, 1)], attestations: envelopes,
                                 extra: ",\"thresholds\":{\"confirm\":0.6}")
        let request = try FinalizationRequest(json: json)
        #expect(request.kind == .pogo && request.subject == S.bundle && request.verifiers.count == 3)
        #expect(request.thresholds == .init(confirm: StakeThreshold(0.6)!, slash: .oneThird))
        #expect(Finalizer.finalize(request).decision == .confirm)
    }

    @Test func namesTheOffendingField() {
        let good = String(decoding: S.requestJSON(verifiers: [(k0, 1)], attestations: []), as: UTF8.self)
        let cases: [(String, String)] = [
            ("not json", ""),
            (good.replacingOccurrences(of: "\"kind\":\"pogo\",", with: ""), "kind"),
            (good.replacingOccurrences(of: "\"pogo\"", with: "\"pow\""), "kind"),
            (good.replacingOccurrences(of: S.bundle.hex, with: "abc"), "subject"),
            (good.replacingOccurrences(of: ",\"attestations\":[]", with: ""), "attestations"),
            (good.replacingOccurrences(of: "\"stake\":1.0", with: "\"stake\":\"1\""), "verifiers[0].stake"),
            (good.replacingOccurrences(of: "\"stake\":1.0", with: "\"stake\":1.5"), "verifiers[0].stake"),
            (good.replacingOccurrences(of: "\"stake\":1.0", with: "\"stake\":0"), "verifiers[0].stake"),
            (good.replacingOccurrences(of: k0.publicKey.base64URL, with: "AAAA"), "verifiers[0].publicKey"),
            (good.replacingOccurrences(of: "\"stake\":1.0", with: "\"stake\":1,\"weight\":2"), "verifiers[0].weight"),
            (good.replacingOccurrences(of: "\"verifiers\":[", with: "\"extra\":1,\"verifiers\":["), "extra"),
            (good.replacingOccurrences(of: "]}", with: "],\"thresholds\":{\"outlierDistance\":0.1}}"), "thresholds.outlierDistance"),
        ]
        for (json, want) in cases {
            #expect(field(Array(json.utf8)) == want, "\(json)")
        }
    }

    @Test func refusesDuplicateVerifierKeys() {
        #expect(throws: FinalizationError.duplicateVerifier(keyID: k0.keyID, first: 0, second: 2)) {
            try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1), (k1, 1), (k0, 2)], attestations: []))
        }
    }

    /// A verifier key of small order (the identity) or with y >= p is refused naming that verifier.
    @Test func refusesVerifierKeyOfSmallOrderOrNotCanonical() {
        let good = String(decoding: S.requestJSON(verifiers: [(k0, 1), (k1, 1)], attestations: []), as: UTF8.self)
        let identity = [1] + [UInt8](repeating: 0, count: 31)
        let yIsP = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        let cases: [([UInt8], KeyError)] = [
            (identity, .smallOrderPublicKey(hex: Hex.encode(identity), order: 1)),
            (yIsP, .nonCanonicalPublicKey(hex: Hex.encode(yIsP), reason: .yNotReduced)),
        ]
        for (raw, refusal) in cases {
            let json = good.replacingOccurrences(of: k1.publicKey.base64URL, with: Base64.encodeURLSafe(raw))
            #expect(throws: FinalizationError.invalidPublicKey(verifier: 1, reason: refusal)) { try FinalizationRequest(json: Array(json.utf8)) }
            #expect(field(Array(json.utf8)) == "verifiers[1].publicKey")
        }
    }

    @Test func refusesEmptyVerifierSet() {
        #expect(throws: FinalizationError.noVerifiers) { try FinalizationRequest(json: S.requestJSON(verifiers: [], attestations: [])) }
    }

    @Test func validatesThresholds() throws {
        for value in [0.0, -0.5, 1.0000000000000002, 2] {
            #expect(throws: FinalizationError.invalidThreshold(name: "slash", value: value)) {
                try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [], extra: ",\"thresholds\":{\"slash\":\(value)}"))
            }
        }
        for value in [0x1p-1074, 0.5, 1.0] {
            #expect(StakeThreshold(value) != nil)
            _ = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [], extra: ",\"thresholds\":{\"confirm\":\(value)}"))
        }
        #expect(StakeThreshold(.nan) == nil && StakeThreshold(.infinity) == nil)
        let poq = ",\"thresholds\":{\"outlierDistance\":1.5}"
        #expect(throws: FinalizationError.invalidOutlierDistance(1.5)) {
            try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: [], extra: poq))
        }
        for value in [0.0, -0.25, 1.0000000000000002] {
            #expect(throws: FinalizationError.invalidThreshold(name: "quorum", value: value)) {
                try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: [],
                                                            extra: ",\"thresholds\":{\"quorum\":\(value)}"))
            }
        }
        let quorum = try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: [],
                                                                 extra: ",\"thresholds\":{\"quorum\":0.5,\"outlierDistance\":0.2}"))
        #expect(quorum.quorum == StakeThreshold(0.5)! && quorum.outlierDistance == 0.2)
        #expect(try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: [])).quorum == .twoThirds)
        #expect(field(S.requestJSON(verifiers: [(k0, 1)], attestations: [], extra: ",\"thresholds\":{\"quorum\":0.5}")) == "thresholds.quorum",
                "quorum is a PoQ threshold; a pogo request refuses it")
    }

    /// Thresholds the body leaves out, or sets to null, take the given defaults; the body's own win.
    @Test func omittedThresholdsTakeTheGivenDefaults() throws {
        var defaults = FinalizationRequest.Defaults()
        defaults.confirm = StakeThreshold(0.5)!
        defaults.quorum = StakeThreshold(0.25)!
        defaults.outlierDistance = 0.3
        let pogo = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [],
                                                               extra: ",\"thresholds\":{\"confirm\":null,\"slash\":0.4}"), defaults: defaults)
        #expect(pogo.thresholds == .init(confirm: StakeThreshold(0.5)!, slash: StakeThreshold(0.4)!))
        let poq = try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: [],
                                                              extra: ",\"thresholds\":{\"quorum\":0.75}"), defaults: defaults)
        #expect(poq.quorum == StakeThreshold(0.75)! && poq.outlierDistance == 0.3)
        let bare = try FinalizationRequest(json: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: []), defaults: defaults)
        #expect(bare.quorum == StakeThreshold(0.25)! && bare.thresholds.slash == .oneThird)
    }

    @Test func evaluatorIsPoQOnlyAnIdentityAndDefaultsFromTheService() throws {
        let identity = "poq/1 cross-encoder sha256:" + S.bundle.hex
        let poq = String(decoding: S.requestJSON(kind: "poq", verifiers: [(k0, 1)], attestations: []), as: UTF8.self)
        func with(_ member: String, _ base: String = poq) -> [UInt8] { Array(base.replacingOccurrences(of: "]}", with: "],\(member)}").utf8) }
        #expect(try FinalizationRequest(json: with("\"evaluator\":\"\(identity)\"")).evaluator == identity)
        #expect(try FinalizationRequest(json: Array(poq.utf8)).evaluator == nil)
        var defaults = FinalizationRequest.Defaults()
        defaults.evaluator = "poq/1 similarity sha256:" + S.bundle.hex
        #expect(try FinalizationRequest(json: Array(poq.utf8), defaults: defaults).evaluator == defaults.evaluator)
        #expect(try FinalizationRequest(json: with("\"evaluator\":\"\(identity)\""), defaults: defaults).evaluator == identity)
        // null is the same as leaving it out, as for thresholds.
        #expect(try FinalizationRequest(json: with("\"evaluator\":null"), defaults: defaults).evaluator == defaults.evaluator)
        let pogo = String(decoding: S.requestJSON(verifiers: [(k0, 1)], attestations: []), as: UTF8.self)
        #expect(try FinalizationRequest(json: Array(pogo.utf8), defaults: defaults).evaluator == nil)
        for bad in ["\"poq/1 similarity sha256:\(S.bundle.hex.uppercased())\"", "\"poq/1 ranking sha256:\(S.bundle.hex)\"",
                    "\"poq/1 similarity sha256:\(S.bundle.hex)0\"", "\"\"", "1"] {
            #expect(field(with("\"evaluator\":\(bad)")) == "evaluator", "\(bad)")
        }
        #expect(field(with("\"evaluator\":\"\(identity)\"", pogo)) == "evaluator")
    }

    @Test func stakeThresholdComparesExactly() {
        #expect(StakeThreshold.twoThirds.isMet(part: 2, total: 3))
        #expect(!StakeThreshold.twoThirds.isMet(part: 1_999_999, total: 3_000_000))
        #expect(StakeThreshold(2.0 / 3.0)!.isMet(part: 2, total: 3))  // the double nearest 2/3 is slightly below it
        #expect(!StakeThreshold(0.6667)!.isMet(part: 2, total: 3))
        #expect(StakeThreshold(0.5)!.isMet(part: 1, total: 2) && !StakeThreshold(0.5)!.isMet(part: 4, total: 9))
        #expect(StakeThreshold(1.0)!.isMet(part: 7, total: 7) && !StakeThreshold(1.0)!.isMet(part: 6, total: 7))
        #expect(StakeThreshold(0x1p-1074)!.isMet(part: 1, total: FinalizationLimits.maxStake))
        #expect(!StakeThreshold(0x1p-1074)!.isMet(part: 0, total: 1))
        // 0.1 is 0x1.999999999999ap-4, just above 1/10: 1 of 10 does not meet it.
        #expect(!StakeThreshold(0.1)!.isMet(part: 1, total: 10) && StakeThreshold(0.1)!.isMet(part: 2, total: 19))
    }

    @Test func stakeAndTotalAtMaximumAreAcceptedAndOneMoreIsRefused() throws {
        let max = FinalizationLimits.maxStake
        _ = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, Double(max))], attestations: []))
        #expect(throws: FinalizationError.invalidStake(verifier: 0, stake: Double(max) + 1)) {
            try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, Double(max) + 1)], attestations: []))
        }
        _ = try S.request(.pogo, stakes: [max - 1, 1], [])
        #expect(throws: FinalizationError.totalStakeTooLarge(total: max + 1, limit: max)) { try S.request(.pogo, stakes: [max - 1, 2], []) }
    }

    @Test func verifierLimitAcceptsNAndRefusesNPlusOne() throws {
        let limit = FinalizationLimits().maxVerifiers
        #expect(limit == 1_000)
        let keys = (0...limit).map { _ in (SigningKey.generate(), 1.0) }
        _ = try FinalizationRequest(json: S.requestJSON(verifiers: Array(keys.prefix(limit)), attestations: []))
        #expect(throws: FinalizationError.tooManyVerifiers(count: limit + 1, limit: limit)) {
            try FinalizationRequest(json: S.requestJSON(verifiers: keys, attestations: []))
        }
    }

    @Test func attestationLimitAcceptsNAndRefusesNPlusOne() throws {
        let limit = FinalizationLimits().maxAttestations
        #expect(limit == 4_000)
        let envelope = try AttestationPredicate.pogoStatement(commitment: S.bundle, verdict: .positive, beacon: S.drawnBeacon).signed(by: k0)
        let request = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: Array(repeating: envelope, count: limit)))
        let result = Finalizer.finalize(request)
        #expect(result.decision == .confirm && result.votes[0].attestations.count == limit)
        #expect(throws: FinalizationError.tooManyAttestations(count: limit + 1, limit: limit)) {
            try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: Array(repeating: envelope, count: limit + 1)))
        }
    }

    @Test func signatureAndSizeLimitsAcceptNAndRefuseNPlusOne() throws {
        let envelope = DSSEEnvelope.sign(payload: try AttestationPredicate.pogoStatement(commitment: S.bundle, verdict: .positive, beacon: S.drawnBeacon).jsonBytes(),
                                         payloadType: InTotoStatement.payloadType, keys: [k0, k1, k2])
        let limits = FinalizationLimits(maxSignatures: 6)
        _ = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [envelope, envelope]), limits: limits)
        #expect(throws: FinalizationError.tooManySignatures(count: 9, limit: 6)) {
            try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [envelope, envelope, envelope]), limits: limits)
        }
        let json = S.requestJSON(verifiers: [(k0, 1)], attestations: [envelope])
        _ = try FinalizationRequest(json: json, limits: FinalizationLimits(maxRequestBytes: json.count))
        #expect(throws: FinalizationError.tooLarge(bytes: json.count, limit: json.count - 1)) {
            try FinalizationRequest(json: json, limits: FinalizationLimits(maxRequestBytes: json.count - 1))
        }
    }

    @Test func malformedEnvelopesInTheJSONAreRejectedNotFatal() throws {
        var json = String(decoding: S.requestJSON(verifiers: [(k0, 1)], attestations: []), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"attestations\":[]", with: "\"attestations\":[42,{\"payload\":\"%%\"},{}]")
        let result = Finalizer.finalize(try FinalizationRequest(json: Array(json.utf8)))
        #expect(result.rejected.map(\.reason) == [.malformed, .malformed, .malformed])
        #expect(result.rejected.map(\.index) == [0, 1, 2])
    }
}
