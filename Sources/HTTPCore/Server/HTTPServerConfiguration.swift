/// Every address, limit and timeout of an `HTTPServer`, with defaults suited to a public service.
///
/// Each limit is tested at its value (accepted) and one past it (refused with the status named here).
public struct HTTPServerConfiguration: Sendable, Hashable {
    /// Address to bind: an IPv4 or IPv6 literal or a host name. Default "127.0.0.1".
    public var host: String
    /// TCP port; 0 picks a free one (read it back from `HTTPServer.port`). Default 8080.
    public var port: Int
    /// Length of the kernel's queue of connections not yet accepted (`listen(2)`). Default 1,024.
    public var backlog: Int
    /// Maximum open connections. At the cap a new connection takes the place of the idle or
    /// still-reading connection of its I/O thread whose deadline comes first (that one is
    /// closed, with 503 if it was reading a request); when there is none it is answered 503 and
    /// closed. Default 10,000.
    public var maxConnections: Int
    /// Maximum size in bytes of the request-target; longer gets 414. Default 8,192.
    public var maxTargetBytes: Int
    /// Maximum size in bytes of the request head (request line, fields and CRLFs); larger gets 431
    /// (414 while still in the request line). Default 32,768.
    public var maxHeaderBytes: Int
    /// Maximum number of header fields (and separately of trailer fields); more gets 431. Default 100.
    public var maxHeaderCount: Int
    /// Maximum size in bytes of any request body after chunked decoding, whatever a route allows;
    /// larger gets 413, before reading it when Content-Length announces it. Each route has its own,
    /// smaller or equal limit (`Router.add(maxBodyBytes:)`). Default 16,777,216 (16 MiB).
    public var maxBodyBytes: Int
    /// Bytes of request bodies the whole server holds at once, from the first body byte read to
    /// the end of the handler. A Content-Length body is reserved before any of it is read, a
    /// chunked one ahead of each read; one that does not fit gets 503 with Retry-After and the
    /// connection closes. Default 268,435,456 (256 MiB).
    public var bodyBudgetBytes: Int
    /// Time allowed from a request's first byte to the end of its head; slower gets 408. Default 10 s.
    public var headerTimeout: Duration
    /// Time allowed from a request's first byte to the end of its body (head and body together);
    /// slower gets 408 and the connection closes. Default 60 s.
    public var requestTimeout: Duration
    /// Minimum average rate, in bytes per second, at which a body must arrive once
    /// `bodyRateGracePeriod` has passed since its head: a body of b bytes so far must have
    /// arrived by grace + b / rate after the head; slower gets 408 and the connection closes.
    /// 0 turns the rule off. Default 16,384 (16 KiB/s).
    public var minBodyBytesPerSecond: Int
    /// Time a body may take to start arriving before `minBodyBytesPerSecond` applies. Default 5 s.
    public var bodyRateGracePeriod: Duration
    /// Time an idle keep-alive connection stays open, and the longest a client may leave a
    /// response unread before the connection is closed. Default 60 s.
    public var idleTimeout: Duration
    /// Number of I/O threads, each running one epoll loop. Default: the processors of the
    /// container's CPU quota, else the online CPUs (`CPUQuota.available`).
    public var ioThreads: Int
    /// Threads of each kind of heavy work not listed in `workQueues`. Default: `CPUQuota.available`.
    public var workerThreads: Int
    /// Heavy requests of each kind not listed in `workQueues` allowed to wait for a thread (not
    /// counting running ones); one more gets 503 with Retry-After. Default 64.
    public var workerQueueCapacity: Int
    /// Threads and queue of each kind of heavy work, by the name routes give it
    /// (`Router.Cost.pool(name)`); every kind has its own threads and queue, so one kind cannot
    /// starve another. Kinds not listed get `workerThreads` and `workerQueueCapacity`. Default empty.
    public var workQueues: [String: WorkQueueLimits]
    /// Time the Retry-After field on 503 responses asks clients to wait, sent in whole seconds
    /// (a fraction is dropped). Default 1 s.
    public var retryAfter: Duration
    /// Bytes of response waiting for a slow reader beyond which the server stops producing more
    /// (streamed bodies pause, pipelined requests wait). Default 262,144 (256 KiB).
    public var maxPendingWriteBytes: Int
    /// Time in-flight requests get to finish after shutdown begins; then connections are closed.
    /// Default 10 s.
    public var shutdownGracePeriod: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, backlog: Int = 1_024, maxConnections: Int = 10_000,
                maxTargetBytes: Int = 8_192, maxHeaderBytes: Int = 32_768, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 16_777_216, bodyBudgetBytes: Int = 268_435_456, headerTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(60), minBodyBytesPerSecond: Int = 16_384,
                bodyRateGracePeriod: Duration = .seconds(5), idleTimeout: Duration = .seconds(60), ioThreads: Int? = nil,
                workerThreads: Int? = nil, workerQueueCapacity: Int = 64, workQueues: [String: WorkQueueLimits] = [:],
                retryAfter: Duration = .seconds(1), maxPendingWriteBytes: Int = 262_144, shutdownGracePeriod: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.maxConnections = maxConnections
        self.maxTargetBytes = maxTargetBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.bodyBudgetBytes = bodyBudgetBytes
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
        self.minBodyBytesPerSecond = minBodyBytesPerSecond
        self.bodyRateGracePeriod = bodyRateGracePeriod
        self.idleTimeout = idleTimeout
        self.ioThreads = ioThreads ?? CPUQuota.available
        self.workerThreads = workerThreads ?? CPUQuota.available
        self.workerQueueCapacity = workerQueueCapacity
        self.workQueues = workQueues
        self.retryAfter = retryAfter
        self.maxPendingWriteBytes = maxPendingWriteBytes
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
