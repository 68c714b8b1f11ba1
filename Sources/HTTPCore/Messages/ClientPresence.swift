internal import Synchronization

/// Whether the client of a request is still connected: set by the I/O thread when the peer
/// closes or resets, read by handlers on worker threads (one relaxed atomic load).
final class ClientPresence: Sendable {
    private let gone = Atomic<Bool>(false)

    /// False once the client has gone.
    var isConnected: Bool { !gone.load(ordering: .relaxed) }

    /// Records that the client has gone; it never comes back.
    func markGone() {
        gone.store(true, ordering: .relaxed)
    }
}
