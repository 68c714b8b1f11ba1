internal import Foundation
internal import Synchronization

/// An HTTP/1.1 server: `ioThreads` epoll loops sharing one listening socket, plus a bounded
/// worker pool for heavy handlers.
///
/// `start()` binds and returns; `shutdown()` begins a graceful stop (no new connections,
/// in-flight requests finish within `shutdownGracePeriod`); `wait()` blocks until it is done.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let router: Router
    private let logger: HTTPLogger
    private let running = Mutex<(context: ServerContext, loops: [EventLoop])?>(nil)
    private let stopped = DispatchGroup()

    public init(configuration: HTTPServerConfiguration, router: Router, logger: @escaping HTTPLogger) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
    }

    /// Binds the address, starts the I/O threads and logs `.listening`; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let listener = try ListeningSocket(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let context = ServerContext(configuration: configuration, router: router, logger: logger, listener: listener)
        let loops = try (0..<max(1, configuration.ioThreads)).map { _ in try EventLoop(context: context) }
        for loop in loops { loop.peers = loops.map(EventLoop.Peer.init) }
        try running.withLock { state in
            guard state == nil else { throw HTTPServerError.alreadyStarted }
            state = (context, loops)
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

    /// The bound port; 0 before `start()`.
    public var port: Int {
        running.withLock { $0?.context.listener.port ?? 0 }
    }

    /// Begins a graceful shutdown and returns once every I/O thread has stopped accepting;
    /// from then on every response carries `Connection: close`. Safe to call more than once,
    /// from any thread except the server's own I/O threads.
    public func shutdown() {
        guard let (context, loops) = running.withLock({ $0 }) else { return }
        let acknowledged = DispatchGroup()
        for loop in loops {
            acknowledged.enter()
            loop.post(.shutdown(acknowledged: acknowledged))
        }
        acknowledged.wait()
        logger(.shuttingDown(openConnections: context.openConnections.load(ordering: .relaxed)))
    }

    /// Blocks until every I/O thread has stopped, then closes the listening socket and stops
    /// the worker pool.
    public func wait() {
        stopped.wait()
        guard let (context, _) = running.withLock({ $0 }) else { return }
        // Only now: until every loop has left epoll_wait, one might still compare against its number.
        context.listener.close()
        context.pool.stop()
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
