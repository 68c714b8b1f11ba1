/// Finds the verifiers that signed an envelope, within a budget of Ed25519 checks per request.
///
/// A signature's "keyid" is an unauthenticated hint. Each signature is checked first against
/// the verifier it names (by `PublicKey.keyID` or securesystemslib's key id), free of the
/// budget since that is at most one check per signature; if it names none, or that check fails,
/// it is checked against the other verifiers in request order, one budget unit per check, until
/// one holds. Verifiers already found to sign the envelope are not tried again. When the budget
/// is spent the search stops, and `Outcome.searchCutShort` says so.
struct SignerSearch {
    /// What the signatures of one envelope showed.
    struct Outcome: Equatable {
        /// Indices of the verifiers with a valid signature, ascending.
        var signers: [Int] = []
        /// Some signature's "keyid" named a verifier.
        var namedVerifier = false
        /// Some signature was not checked against every candidate because the budget ran out.
        var searchCutShort = false
    }

    private let keys: [PublicKey]
    private let indexByHint: [String: Int]
    /// Search checks still allowed for this request.
    private(set) var remainingChecks: Int

    /// Requires distinct keys (as `FinalizationRequest` guarantees) and `budget >= 0`.
    init(keys: [PublicKey], budget: Int) {
        self.keys = keys
        var index: [String: Int] = [:]
        for (i, key) in keys.enumerated() {
            for hint in key.hintKeyIDs where index[hint] == nil { index[hint] = i }
        }
        indexByHint = index
        remainingChecks = budget
    }

    mutating func signers(of envelope: DSSEEnvelope) -> Outcome {
        let message = DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: envelope.payload)
        var outcome = Outcome()
        var found = Set<Int>()
        signatures: for signature in envelope.signatures {
            let hinted = signature.keyID.flatMap { indexByHint[$0] }
            if let hinted {
                outcome.namedVerifier = true
                if !found.contains(hinted), keys[hinted].isValidSignature(signature.bytes, for: message) {
                    found.insert(hinted)
                    continue
                }
            }
            for i in keys.indices where i != hinted && !found.contains(i) {
                guard remainingChecks > 0 else {
                    outcome.searchCutShort = true
                    continue signatures
                }
                remainingChecks -= 1
                if keys[i].isValidSignature(signature.bytes, for: message) {
                    found.insert(i)
                    continue signatures
                }
            }
        }
        outcome.signers = found.sorted()
        return outcome
    }
}
