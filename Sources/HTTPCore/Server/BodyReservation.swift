internal import Synchronization

/// The bytes one request body holds of a `BodyBudget`. Grows while the body is read; returned to
/// the budget when the reservation is freed, that is when the request (and any job that
/// captured it) is gone, so the budget follows the memory, not the connection.
final class BodyReservation: Sendable {
    private let budget: BodyBudget
    private let bytes = Atomic<Int>(0)

    init(budget: BodyBudget) {
        self.budget = budget
    }

    /// Bytes held.
    var reservedBytes: Int { bytes.load(ordering: .relaxed) }

    /// Holds at least `total` bytes, reserving the difference; false when the budget cannot
    /// give it (then nothing more is held). Called only by the thread reading the body.
    func grow(to total: Int) -> Bool {
        let held = bytes.load(ordering: .relaxed)
        guard total > held else { return true }
        guard budget.reserve(total - held) else { return false }
        bytes.store(total, ordering: .relaxed)
        return true
    }

    deinit {
        budget.release(bytes.load(ordering: .relaxed))
    }
}
