internal import Synchronization

/// What every I/O thread of one server shares: configuration, routes, the worker pool of each
/// kind of work, the body budget, the logger and the count of open connections.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let limits: HTTPRequestParser.Limits
    let router: Router
    /// One pool per kind of heavy work the routes name.
    let pools: [String: WorkerPool]
    let bodyBudget: BodyBudget
    let logger: HTTPLogger
    let listener: ListeningSocket
    let openConnections = Atomic<Int>(0)
    let timeouts: ConnectionStateMachine.Timeouts
    let shutdownGracePeriod: Duration
    /// How often each I/O thread checks its connections' deadlines: a quarter of the shortest
    /// timeout, within 5...250 ms.
    let tick: Duration

    init(configuration: HTTPServerConfiguration, router: Router, logger: @escaping HTTPLogger,
         listener: ListeningSocket) {
        self.configuration = configuration
        self.limits = HTTPRequestParser.Limits(configuration)
        self.router = router
        var pools: [String: WorkerPool] = [:]
        for name in router.poolNames {
            let limits = configuration.workQueues[name]
                ?? WorkQueueLimits(threads: configuration.workerThreads, capacity: configuration.workerQueueCapacity)
            pools[name] = WorkerPool(name: name, limits: WorkQueueLimits(threads: max(1, limits.threads), capacity: max(0, limits.capacity)))
        }
        self.pools = pools
        self.bodyBudget = BodyBudget(capacity: max(0, configuration.bodyBudgetBytes))
        self.logger = logger
        self.listener = listener
        let idle = max(configuration.idleTimeout, .zero)
        // A closing connection keeps reading (and discarding) so the client sees the response
        // rather than a reset caused by unread request bytes.
        timeouts = ConnectionStateMachine.Timeouts(configuration, linger: min(.seconds(2), idle))
        shutdownGracePeriod = max(configuration.shutdownGracePeriod, .zero)
        let shortest = min(timeouts.header, timeouts.request, idle, timeouts.bodyGrace == .zero ? idle : timeouts.bodyGrace)
        tick = min(max(shortest / 4, .milliseconds(5)), .milliseconds(250))
    }

    /// Stops every worker pool after its queued jobs.
    func stopPools() {
        for pool in pools.values { pool.stop() }
    }
}
