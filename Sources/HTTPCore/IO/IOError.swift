internal import Glibc

/// A failed system call: the call's name and the errno it returned.
public struct IOError: Error, Hashable, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String { "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Errors starting a server.
public enum HTTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    case unresolvableHost(String, reason: String)
    case alreadyStarted
    /// The server was shut down; a server does not start again.
    case stopped

    public var description: String {
        switch self {
        case .unresolvableHost(let host, let reason): return "cannot resolve host \(host): \(reason)"
        case .alreadyStarted: return "server already started"
        case .stopped: return "server already stopped"
        }
    }
}
