internal import HTTPCore

/// The kinds of heavy work, each with its own threads and bounded queue in the HTTP server
/// (`Router.Cost.pool`), so a flood of one kind never starves another.
enum WorkKind: String, CaseIterable, Sendable {
    /// `POST /v1/pogo/bundles`: parsing and committing a bundle.
    case bundles
    /// `GET /v1/pogo/bundles/{id}`: reading a job from the store (off the I/O threads, since a
    /// store can block; apart from submissions, so a flood of either leaves the other served).
    case polls
    /// `POST /v1/poq/scores`: running the evaluator.
    case poq
    /// `POST /v1/attestations/verify`: checking an envelope's signatures.
    case verify
    /// `POST /v1/finalize`: checking and aggregating attestations.
    case finalize

    /// The route cost that runs on this kind's pool.
    var cost: Router.Cost { .pool(rawValue) }
}
