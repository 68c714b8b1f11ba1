internal import Foundation

/// The memory the full re-executions of one process may hold at once, shared by every
/// verification it runs: each reserves its estimated peak (`ReexecutionCost.peakBytes`)
/// before re-executing and releases it after, waiting its turn (first come, first served)
/// while others hold the memory. A verification whose estimate exceeds the whole capacity is
/// not re-executed at all (the verifier checks it leaf by leaf, or cannot complete).
public final class ReexecutionMemory: @unchecked Sendable {
    /// Bytes that reservations may add up to.
    public let capacityBytes: Int
    private let condition = NSCondition()
    private var inUse = 0
    private var nextTicket = 0
    private var serving = 0

    /// Requires `capacityBytes >= 1`.
    public init(capacityBytes: Int) {
        precondition(capacityBytes >= 1, "a memory capacity is at least 1 byte, got \(capacityBytes)")
        self.capacityBytes = capacityBytes
    }

    /// Bytes reserved now.
    public var reservedBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return inUse
    }

    /// Reservations waiting for their turn (granted ones not counted).
    var waitingReservations: Int {
        condition.lock()
        defer { condition.unlock() }
        return nextTicket - serving
    }

    /// Runs `body` holding `bytes` of the capacity, after the reservations made before this one
    /// have been granted; `bytes` must not exceed the capacity.
    public func withReservation<Result, Failure: Error>(_ bytes: Int, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        precondition(bytes >= 0 && bytes <= capacityBytes, "reservation of \(bytes) bytes exceeds the capacity \(capacityBytes)")
        condition.lock()
        let ticket = nextTicket
        nextTicket += 1
        while serving != ticket || inUse + bytes > capacityBytes { condition.wait() }
        inUse += bytes
        serving += 1
        condition.broadcast()
        condition.unlock()
        defer {
            condition.lock()
            inUse -= bytes
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
