/// One re-execution of the verifier: a challenged step's, or one evaluation loss.
enum Recomputation: Sendable {
    /// Which of the four evaluation losses.
    enum Loss: Sendable, Hashable {
        case publicInitial, publicFinal, secretInitial, secretFinal
    }

    case step(Int, Result<StepRecomputation, any Error>)
    case loss(Loss, Result<Float, any Error>)
}

extension VerificationRun {
    /// Records the checks of the challenged steps (in draw order), then the progress checks,
    /// from re-executions that ran in the background: the same checks, in the same order, as
    /// computing each at its turn. A phase's timing adds up its jobs' times and its recording.
    mutating func recordRecomputations(_ outcomes: [BackgroundJobs<Recomputation>.Outcome], replay: ReplayState) {
        var steps: [Int: Result<StepRecomputation, any Error>] = [:]
        var losses: [Recomputation.Loss: Result<Float, any Error>] = [:]
        for outcome in outcomes {
            switch outcome.value {
            case let .step(t, result):
                steps[t] = result
                timings.challengedStepsMs += outcome.milliseconds
            case let .loss(which, result):
                losses[which] = result
                timings.progressMs += outcome.milliseconds
            }
        }
        var clock = ContinuousClock.now
        for t in challengedSteps {
            if let recomputed = steps[t] { checkStep(t, recomputed: recomputed, replay: replay) }
        }
        timings.challengedStepsMs += PoGOVerifier.milliseconds(since: clock)
        clock = ContinuousClock.now
        // All four losses are submitted whenever the replay completes.
        checkProgress(ProgressEvaluation(publicInitial: losses[.publicInitial]!, publicFinal: losses[.publicFinal]!,
                                         secretInitial: losses[.secretInitial]!, secretFinal: losses[.secretFinal]!))
        timings.progressMs += PoGOVerifier.milliseconds(since: clock)
    }
}
