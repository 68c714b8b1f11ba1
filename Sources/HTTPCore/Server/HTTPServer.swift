internal import Foundation
internal import Synchronization

/// An HTTP/1.1 server: `ioThreads` epoll loops sharing one listening socket, plus a worker pool
/// for each kind of heavy handler.
///
/// `start()` binds and returns; `shutdown()` begins a graceful stop (no new connections,
/// in-flight requests finish within `shutdownGracePeriod`); `wait()` blocks until it is done.
/// The lifecycle (idle, running, shutting down, stopped) is `HTTPServerLifecycle`: each of these
/// calls is safe in any state and any number of times.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let router: Router
    private let logger: HTTPLogger
    private let lifecycle = Mutex(HTTPServerLifecycle<(context: ServerContext, loops: [EventLoop])>())
    private let stopped = DispatchGroup()

    public init(configuration: HTTPServerConfiguration, router: Router, logger: @escaping HTTPLogger) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
    }

    /// Binds the address, starts the I/O threads and logs `.listening`; returns the bound port.
    /// Throws `HTTPServerError.alreadyStarted` or `.stopped` when called a second time.
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let listener = try ListeningSocket(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let context = ServerContext(configuration: configuration, router: router, logger: logger, listener: listener)
        let loops: [EventLoop]
        do {
            loops = try (0..<max(1, configuration.ioThreads)).map { _ in try EventLoop(context: context) }
            for loop in loops { loop.peers = loops.map(EventLoop.Peer.init) }
            try lifecycle.withLock { state throws(HTTPServerError) in try state.start((context, loops)) }
        } catch {
            listener.close()
            context.stopPools()
            throw error
        }
        for (i, loop) in loops.enumerated() {
            stopped.enter()
            let thread = Thread { [stopped] in
                loop.run()
                stopped.leave()
            }
            thread.name = "http-io-\(i)"
            thread.start()
        }
        logger(.listening(host: configuration.host, port: listener.port))
        return listener.port
    }

    /// The I/O loops while the server runs or shuts down; empty otherwise.
    var loops: [EventLoop] {
        lifecycle.withLock { $0.running?.loops ?? [] }
    }

    /// The bound port; 0 when not running.
    public var port: Int {
        lifecycle.withLock { $0.running?.context.listener.port ?? 0 }
    }

    /// Begins a graceful shutdown and returns once every I/O thread has stopped accepting;
    /// from then on every response carries `Connection: close`. Returns at once when the server
    /// is already shutting down or stopped (or never started). Call from any thread except the
    /// server's own I/O threads.
    public func shutdown() {
        guard let (context, loops) = lifecycle.withLock({ $0.shutdown() }) else { return }
        let acknowledged = DispatchGroup()
        for loop in loops {
            acknowledged.enter()
            // A loop that has already stopped acknowledges through its closed mailbox.
            loop.post(.shutdown(acknowledged: acknowledged))
        }
        acknowledged.wait()
        logger(.shuttingDown(openConnections: context.openConnections.load(ordering: .relaxed)))
    }

    /// Blocks until every I/O thread has stopped, then closes the listening socket and stops
    /// the worker pools. Returns at once when there is nothing (left) to wait for.
    public func wait() {
        stopped.wait()
        guard let (context, _) = lifecycle.withLock({ $0.loopsStopped() }) else { return }
        // Only now: until every loop has left epoll_wait, one might still compare against its number.
        context.listener.close()
        context.stopPools()
        logger(.stopped)
    }

    /// Starts, serves until SIGTERM or SIGINT arrives, shuts down gracefully and returns when
    /// done. The signals are caught before the server starts, so none is lost in between.
    public func runUntilSignalled() throws {
        let trap = SignalTrap(signals: [SIGTERM, SIGINT]) { [self] _ in shutdown() }
        defer { trap.cancel() }
        try start()
        wait()
    }
}
