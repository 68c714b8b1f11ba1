internal import Glibc

/// The result of a non-blocking call: done with a value, or it would have blocked.
enum IOResult<T> {
    case processed(T)
    case wouldBlock
}

/// Every system call of the server goes through here: EINTR is retried, EAGAIN becomes
/// `.wouldBlock`, other failures throw `IOError` with the call's name; EBADF and EFAULT mean a
/// bug in this library (a closed descriptor or a bad pointer) and stop the process.
enum Syscall {
    @inline(__always)
    static func call<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(IOError) -> IOResult<T> {
        while true {
            let result = body()
            if result != -1 { return .processed(result) }
            let e = errno
            switch e {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EBADF, EFAULT: preconditionFailure("\(name) failed with errno \(e): descriptor or pointer misuse")
            default: throw IOError(call: "\(name)", errno: e)
            }
        }
    }

    /// A call that must not block; `.wouldBlock` is reported as an error too.
    @inline(__always)
    static func blocking<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(IOError) -> T {
        switch try call(name, body) {
        case .processed(let value): return value
        case .wouldBlock: throw IOError(call: "\(name)", errno: EAGAIN)
        }
    }

    /// Closes `fd`. On Linux the descriptor is released even when close reports EINTR, so it
    /// is never retried (a retry could close a descriptor another thread just opened).
    static func close(_ fd: Int32) {
        if Glibc.close(fd) == -1 && errno == EBADF { preconditionFailure("close(\(fd)): not an open descriptor") }
    }

    /// The monotonic clock: the time since its (arbitrary) origin. The server's instants are
    /// these durations, so deadlines are sums and comparisons of `Duration`s.
    @inline(__always)
    static func now() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
    }
}
