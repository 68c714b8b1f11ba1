internal import Glibc
internal import Synchronization

/// A bound, listening, non-blocking TCP socket on an IPv4 or IPv6 address.
final class ListeningSocket: Sendable {
    let fd: Int32
    /// The port actually bound (differs from the requested one when that was 0).
    let port: Int

    init(host: String, port: Int, backlog: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let info = list else {
            throw HTTPServerError.unresolvableHost(host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = try Syscall.blocking("socket") { socket(info.pointee.ai_family, type, 0) }
        do {
            var one: Int32 = 1
            _ = try Syscall.blocking("setsockopt") {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            _ = try Syscall.blocking("bind") { bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) }
            _ = try Syscall.blocking("listen") { listen(fd, Int32(clamping: backlog)) }
            self.port = try Self.boundPort(fd)
        } catch {
            Syscall.close(fd)
            throw error
        }
        self.fd = fd
    }

    private let closed = Mutex(false)

    deinit { close() }

    /// Stops listening: connections not yet accepted are refused. Safe to call twice.
    func close() {
        let wasClosed = closed.withLock { c in
            defer { c = true }
            return c
        }
        if !wasClosed { Syscall.close(fd) }
    }

    private static func boundPort(_ fd: Int32) throws(IOError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { p throws(IOError) in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa throws(IOError) in
                try Syscall.blocking("getsockname") { getsockname(fd, sa, &length) }
            }
        }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { p in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
