internal import Synchronization

/// The one memory budget of a server for request bodies in flight: every body is reserved here
/// before its bytes are buffered, and returned when the last copy of it is gone.
final class BodyBudget: Sendable {
    /// Bytes of body memory the server may hold at once.
    let capacity: Int
    private let used = Atomic<Int>(0)

    /// Requires `capacity >= 0`.
    init(capacity: Int) {
        precondition(capacity >= 0, "a body budget cannot be negative")
        self.capacity = capacity
    }

    /// Bytes reserved now.
    var reservedBytes: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false, taking nothing, when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        precondition(bytes >= 0, "cannot reserve \(bytes) bytes")
        var current = used.load(ordering: .relaxed)
        while true {
            guard bytes <= capacity - current else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back `bytes` taken with `reserve`.
    func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }
}
