/// Aggregates verifiers' attestations into a decision; pure and stateless.
///
/// One vote per key: a key's ballots from all the envelopes it validly signed are collected;
/// if they are all equal it votes once, otherwise it equivocates and its stake counts for no
/// side. Keys with no counted ballot abstain, and abstentions count in the total.
///
/// PoGO: a ballot is a verdict and the mode that reached it. P is the stake of positive
/// verdicts reached in full mode (re-execution); a positive leaf-only verdict proves only that
/// the openings and the update rule hold, not that training happened, so it counts toward
/// neither side (its stake is reported as `leafOnlyPositive`). N is the stake of negative
/// verdicts in either mode (a failed opening is proof). With T the total stake of the verifier
/// set, confirm holds when P/T >= confirm threshold and slash holds when N/T >= slash threshold
/// (exact comparisons, see `StakeThreshold`). Exactly one holding decides; neither, or both
/// (the verifiers disagree beyond what the thresholds tolerate, e.g. P = 2T/3 and N = T/3
/// with the defaults), gives undecided.
///
/// PoQ: when the voting stake V meets the quorum (V/T >= quorum, default 2/3, exact), consensus
/// is the lower stake-weighted median of the counted scores (`WeightedMedian.lower`) and
/// outliers are the voters with |score - consensus| > outlier distance; below the quorum there
/// is no consensus and the decision is undecided. With the default quorum, stake below T/3
/// is below half of V, so it cannot move the median outside the other voters' scores.
public enum Finalizer {
    public static func finalize(_ request: FinalizationRequest) -> FinalizationResult {
        var reader = BallotReader(request: request)
        var ballots: [Int: [(ballot: Ballot, index: Int)]] = [:]
        var rejected: [FinalizationResult.Rejected] = []
        let keyIDs = request.verifiers.map(\.publicKey.keyID)
        for (index, attestation) in request.attestations.enumerated() {
            switch reader.read(attestation) {
            case let .ballot(ballot, signers):
                for signer in signers { ballots[signer, default: []].append((ballot, index)) }
            case let .rejected(reason, detail, signers):
                rejected.append(.init(index: index, reason: reason, detail: detail, signers: signers.map { keyIDs[$0] }.sorted()))
            }
        }

        var votes: [FinalizationResult.Vote] = []
        var equivocating: [FinalizationResult.Equivocation] = []
        var counted: [(ballot: Ballot, stake: UInt64)] = []
        for (signer, cast) in ballots {
            let stake = request.verifiers[signer].stake
            let indices = cast.map(\.index)
            guard cast.allSatisfy({ $0.ballot == cast[0].ballot }) else {
                equivocating.append(.init(keyID: keyIDs[signer], stake: stake, attestations: indices))
                continue
            }
            let ballot = cast[0].ballot
            counted.append((ballot, stake))
            switch ballot {
            case let .verdict(verdict, mode):
                votes.append(.init(keyID: keyIDs[signer], stake: stake, verdict: verdict, mode: mode,
                                   countsToward: Self.side(verdict, mode), score: nil, attestations: indices))
            case let .score(score):
                votes.append(.init(keyID: keyIDs[signer], stake: stake, verdict: nil, mode: nil, countsToward: nil,
                                   score: score, attestations: indices))
            }
        }
        votes.sort { $0.keyID < $1.keyID }
        equivocating.sort { $0.keyID < $1.keyID }

        let total = request.totalStake
        let voted = counted.reduce(UInt64(0)) { $0 + $1.stake }
        let equivocated = equivocating.reduce(UInt64(0)) { $0 + $1.stake }
        let subject = request.subject.hex
        switch request.kind {
        case .pogo:
            func stake(toward side: FinalizationResult.Side) -> UInt64 {
                votes.reduce(UInt64(0)) { $0 + ($1.countsToward == side ? $1.stake : 0) }
            }
            let positive = stake(toward: .confirm), negative = stake(toward: .slash)
            let confirm = request.thresholds.confirm.isMet(part: positive, total: total)
            let slash = request.thresholds.slash.isMet(part: negative, total: total)
            let decision: FinalizationResult.Decision = confirm == slash ? .undecided : (confirm ? .confirm : .slash)
            let tally = FinalizationResult.StakeTally(total: total, voted: voted, abstained: total - voted - equivocated,
                                                      equivocated: equivocated, positive: positive, negative: negative,
                                                      leafOnlyPositive: stake(toward: .neither))
            return FinalizationResult(kind: .pogo, subject: subject, decision: decision, stake: tally, votes: votes,
                                      rejected: rejected, equivocating: equivocating, consensus: nil, outliers: [])
        case .poq:
            let scores = votes.map { (score: $0.score!, stake: $0.stake) }
            let quorate = voted > 0 && request.quorum.isMet(part: voted, total: total)
            let consensus = quorate ? WeightedMedian.lower(scores) : nil
            var outliers: [FinalizationResult.Outlier] = []
            if let consensus {
                for vote in votes {
                    let distance = abs(vote.score! - consensus)
                    if distance > request.outlierDistance {
                        outliers.append(.init(keyID: vote.keyID, score: vote.score!, distance: distance))
                    }
                }
            }
            let tally = FinalizationResult.StakeTally(total: total, voted: voted, abstained: total - voted - equivocated,
                                                      equivocated: equivocated, positive: nil, negative: nil, leafOnlyPositive: nil)
            return FinalizationResult(kind: .poq, subject: subject, decision: consensus == nil ? .undecided : .scored,
                                      stake: tally, votes: votes, rejected: rejected, equivocating: equivocating,
                                      consensus: consensus, outliers: outliers, evaluator: request.evaluator)
        }
    }
}

extension Finalizer {
    /// The side a PoGO ballot counts toward: a full-mode positive toward confirm, any negative
    /// toward slash, a leaf-only positive toward neither.
    static func side(_ verdict: PoGOVerdict, _ mode: VerificationReport.Mode) -> FinalizationResult.Side {
        switch (verdict, mode) {
        case (.positive, .full): .confirm
        case (.positive, .leafOnly): .neither
        case (.negative, _): .slash
        }
    }
}
