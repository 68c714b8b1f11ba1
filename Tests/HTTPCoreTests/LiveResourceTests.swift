import Foundation
import HTTPCore
import Testing

/// Live tests of the resource rules: separate queues per kind of work, and work dropped or
/// stopped when its client leaves. Sleeps only let something happen; nothing asserts on how long anything took.
struct LiveResourceTests {
    @Test func fullQueueOfOneKindLeavesAnotherKindAndInlineRoutesServed() throws {
        let server = try TestServer {
            $0.workQueues = ["work": WorkQueueLimits(threads: 1, capacity: 0), "other": WorkQueueLimits(threads: 1, capacity: 0)]
        }
        defer { server.stop() }
        let running = try RawClient(port: server.port)
        running.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        let sameKind = try RawClient(port: server.port)
        sameKind.send("GET /heavy HTTP/1.1\r\nHost: a\r\n\r\n")
        let busy = try sameKind.readResponse()
        #expect(busy.status == 503 && busy.header("Retry-After") == "1")
        let otherKind = try RawClient(port: server.port)
        otherKind.send("GET /other HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try otherKind.readResponse().text == "other")
        #expect(try otherKind.readResponse().text == "hello")
        server.gate.signal()
        #expect(try running.readResponse().text == "opened")
    }

    @Test func dropsQueuedRequestWhoseClientLeftBeforeItStarted() throws {
        let server = try TestServer { $0.workQueues = ["work": WorkQueueLimits(threads: 1, capacity: 4)] }
        defer { server.stop() }
        let running = try RawClient(port: server.port)
        running.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        var leaving: RawClient? = try RawClient(port: server.port)
        leaving?.send("GET /counted HTTP/1.1\r\nHost: a\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        leaving = nil
        Thread.sleep(forTimeInterval: 0.1)
        server.gate.signal()
        #expect(try running.readResponse().text == "opened")
        // A request queued after the dropped one runs, so the dropped one was seen and skipped.
        let after = try RawClient(port: server.port)
        after.send("GET /counted HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try after.readResponse().text == "counted")
        #expect(server.recorder.ran.value.load(ordering: .relaxed) == 1)
        #expect(server.requestLog.contains { $0 == ("GET", "/counted", 499) })
    }

    @Test func runningHandlerSeesItsClientLeave() throws {
        let server = try TestServer()
        defer { server.stop() }
        var client: RawClient? = try RawClient(port: server.port)
        client?.send("GET /watch HTTP/1.1\r\nHost: a\r\n\r\n")
        server.watchStarted.wait()
        client = nil
        // The handler polls for up to 5 s; it reports before then when it saw the client go.
        for _ in 0..<100 where server.recorder.sawClientGone.value.load(ordering: .relaxed) == 0 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(server.recorder.sawClientGone.value.load(ordering: .relaxed) == 1)
    }
}
