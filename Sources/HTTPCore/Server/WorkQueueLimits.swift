/// The threads and queue of one kind of heavy work (`Router.Cost.pool(name)`).
public struct WorkQueueLimits: Sendable, Hashable {
    /// Threads running this kind of work at once, at least 1.
    public var threads: Int
    /// Requests of this kind allowed to wait for one of those threads (not counting running
    /// ones); one more gets 503 with Retry-After. At least 0.
    public var capacity: Int

    public init(threads: Int, capacity: Int) {
        self.threads = threads
        self.capacity = capacity
    }
}
