/// The lifecycle of an `HTTPServer`: idle, running, shutting down, stopped.
///
/// A value type whose transitions are the only way to change state; `Running` is what a
/// running server holds (its context and loops), generic so the transitions are tested without
/// sockets. Every transition may be asked for in any state: the ones that do not apply return
/// nil (or throw, for `start`), so `shutdown()` twice, or `wait()` before `start()`, is safe.
struct HTTPServerLifecycle<Running> {
    enum State {
        case idle
        case running(Running)
        /// `shutdown()` was asked for; the loops are draining.
        case shuttingDown(Running)
        case stopped
    }

    private(set) var state = State.idle

    /// idle -> running. Throws `alreadyStarted` or `stopped` in any other state: a server
    /// starts once.
    mutating func start(_ running: Running) throws(HTTPServerError) {
        switch state {
        case .idle: state = .running(running)
        case .running, .shuttingDown: throw .alreadyStarted
        case .stopped: throw .stopped
        }
    }

    /// running -> shutting down, returning what the caller must tell to stop; idle -> stopped
    /// (nothing runs); nil in every other state, where there is nothing left to do.
    mutating func shutdown() -> Running? {
        switch state {
        case .idle:
            state = .stopped
            return nil
        case .running(let running):
            state = .shuttingDown(running)
            return running
        case .shuttingDown, .stopped:
            return nil
        }
    }

    /// The loops have stopped: running or shutting down -> stopped, returning what the caller
    /// must release; nil when it was already released (or never held).
    mutating func loopsStopped() -> Running? {
        switch state {
        case .running(let running), .shuttingDown(let running):
            state = .stopped
            return running
        case .idle, .stopped:
            return nil
        }
    }

    /// What a running or shutting-down server holds; nil otherwise.
    var running: Running? {
        switch state {
        case .running(let running), .shuttingDown(let running): running
        case .idle, .stopped: nil
        }
    }
}
