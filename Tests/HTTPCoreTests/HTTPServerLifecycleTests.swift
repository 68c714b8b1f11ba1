import Foundation
import Testing
@testable import HTTPCore

/// The server lifecycle without sockets (`HTTPServerLifecycle` over a stand-in value), then the
/// live cases it exists for: shutting down twice, and descriptors handed to a stopped loop.
struct HTTPServerLifecycleTests {
    @Test func runsThroughIdleRunningShuttingDownStopped() throws {
        var lifecycle = HTTPServerLifecycle<Int>()
        try lifecycle.start(7)
        #expect(lifecycle.running == 7)
        #expect(lifecycle.shutdown() == 7)
        #expect(lifecycle.shutdown() == nil)
        #expect(lifecycle.running == 7)
        #expect(lifecycle.loopsStopped() == 7)
        #expect(lifecycle.loopsStopped() == nil)
        #expect(lifecycle.running == nil)
        #expect(throws: HTTPServerError.stopped) { try lifecycle.start(8) }
    }

    @Test func startsOnlyOnce() throws {
        var lifecycle = HTTPServerLifecycle<Int>()
        try lifecycle.start(1)
        #expect(throws: HTTPServerError.alreadyStarted) { try lifecycle.start(2) }
    }

    @Test func shutdownBeforeStartStopsWithNothingToRelease() {
        var lifecycle = HTTPServerLifecycle<Int>()
        #expect(lifecycle.shutdown() == nil)
        #expect(lifecycle.loopsStopped() == nil)
        #expect(throws: HTTPServerError.stopped) { try lifecycle.start(1) }
    }

    @Test func shutdownAndWaitTwiceReturn() throws {
        let server = try TestServer()
        server.stop()
        server.server.shutdown()
        server.server.wait()
        #expect(server.server.port == 0)
    }

    @Test func closesDescriptorAdoptedAfterItsLoopStopped() throws {
        let server = try TestServer()
        let loop = try #require(server.server.loops.first)
        server.stop()
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        var status = stat()
        #expect(fstat(pair[0], &status) == 0)
        let socket = "socket:[\(status.st_ino)]"
        #expect(Self.openDescriptors(of: socket) == 1)
        loop.post(.adopt(fd: pair[0]))
        #expect(Self.openDescriptors(of: socket) == 0)
        // And the peer reads end-of-file: no copy of the other end is left open.
        var byte: UInt8 = 0
        #expect(recv(pair[1], &byte, 1, Int32(MSG_DONTWAIT)) == 0)
    }

    /// The descriptors of this process open on `target` (a /proc/self/fd link text such as
    /// "socket:[1234]"); counting only those keeps the count apart from tests running beside.
    static func openDescriptors(of target: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == target }.count
    }
}
