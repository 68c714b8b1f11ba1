extension VerificationReport {
    /// The stable name of a PoGO check, encoded as its raw value ("step.gradient").
    ///
    /// Cases are declared in the order the checks run: the full-mode ones as tabled in
    /// docs/protocol-parts/verification.md ("Checks, in order"), then the leaf-only ones of
    /// docs/protocol-parts/remote.md ("Checks in leaf-only mode").
    public enum CheckName: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
        case structureDataset = "structure.dataset"
        case structureTheta0 = "structure.theta0"
        case structureTheta0Root = "structure.theta0Root"
        case structureGradients = "structure.gradients"
        case replayGradientRoots = "replay.gradientRoots"
        case replayWeightsRoots = "replay.weightsRoots"
        case stepLoss = "step.loss"
        case stepGradientOpening = "step.gradientOpening"
        case stepGradient = "step.gradient"
        case stepUpdateRule = "step.updateRule"
        case progressPublicInitialLoss = "progress.publicInitialLoss"
        case progressPublicFinalLoss = "progress.publicFinalLoss"
        case progressSecretImprovement = "progress.secretImprovement"
        case leafTheta0Header = "leaf.theta0Header"
        case leafGradientHeaders = "leaf.gradientHeaders"
        case leafTheta0Opening = "leaf.theta0Opening"
        case leafGradientOpenings = "leaf.gradientOpenings"
        case leafPreviousWeights = "leaf.previousWeights"
        case leafUpdateRule = "leaf.updateRule"

        /// The mode that runs this check; every check runs in exactly one.
        public var mode: Mode {
            switch self {
            case .structureDataset, .structureTheta0, .structureTheta0Root, .structureGradients,
                 .replayGradientRoots, .replayWeightsRoots,
                 .stepLoss, .stepGradientOpening, .stepGradient, .stepUpdateRule,
                 .progressPublicInitialLoss, .progressPublicFinalLoss, .progressSecretImprovement:
                .full
            case .leafTheta0Header, .leafGradientHeaders, .leafTheta0Opening, .leafGradientOpenings,
                 .leafPreviousWeights, .leafUpdateRule:
                .leafOnly
            }
        }

        /// The checks `mode` runs, in the order they run.
        public static func run(in mode: Mode) -> [CheckName] {
            allCases.filter { $0.mode == mode }
        }

        public var description: String { rawValue }
    }
}
