/// Why a sample could not be drawn.
public enum ChallengeError: Error, Equatable, Sendable {
    /// Drawing `count` distinct values from a population of `population` is impossible.
    case sampleLargerThanPopulation(count: Int, population: Int)
    /// A count or population below zero.
    case negativeCount(Int)
    /// Steps are numbered from 1.
    case invalidStep(Int)
}
