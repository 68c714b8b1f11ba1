import Foundation
import HTTPCore
import Testing

/// Live tests of the resource rules: body limits applied from the head, the body budget,
/// separate queues per kind of work, work dropped or stopped when its client leaves, and slow
/// bodies. Sleeps only let something happen; nothing asserts on how long anything took.
struct LiveResourceTests {
    @Test func routeBodyLimitAcceptsNAndRefusesNPlusOneBeforeReadingIt() throws {
        let server = try TestServer()
        defer { server.stop() }
        let ok = try RawClient(port: server.port)
        ok.send("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
        #expect(try ok.readResponse().text == "0123456789")
        // Only the head is sent: the answer must not wait for the body.
        let refused = try RawClient(port: server.port)
        refused.send("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        let response = try refused.readResponse()
        #expect(response.status == 413)
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(json?["limit"] as? Int == 10 && json?["field"] as? String == "body")
        #expect(response.header("Connection") == "close")
    }

    @Test func chunkedBodyOverRouteLimitIsRefusedAtTheChunkThatPassesIt() throws {
        let server = try TestServer()
        defer { server.stop() }
        let ok = try RawClient(port: server.port)
        ok.send("POST /small HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n")
        #expect(try ok.readResponse().text == "0123456789")
        let refused = try RawClient(port: server.port)
        refused.send("POST /small HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n6\r\n")
        let response = try refused.readResponse()
        #expect(response.status == 413 && response.header("Connection") == "close")
        #expect(try refused.isClosedByServer())
    }

    @Test func refusesOversizedBodyWithoutInvitingItWith100Continue() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("POST /small HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        let invited = try RawClient(port: server.port)
        invited.send("POST /small HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
        #expect(try invited.readResponse().status == 100)
        invited.send("0123456789")
        #expect(try invited.readResponse().text == "0123456789")
    }

    @Test func routeTakingNoBodyRefusesOneWithoutReadingIt() throws {
        let server = try TestServer()
        defer { server.stop() }
        let get = try RawClient(port: server.port)
        get.send("GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n")
        #expect(try get.readResponse().status == 413)
        #expect(try get.isClosedByServer())
        let wrongMethod = try RawClient(port: server.port)
        wrongMethod.send("POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 16777216\r\n\r\n")
        let response = try wrongMethod.readResponse()
        #expect(response.status == 405 && response.header("Connection") == "close")
        let missing = try RawClient(port: server.port)
        missing.send("PUT /nothing HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n")
        #expect(try missing.readResponse().status == 404)
        let empty = try RawClient(port: server.port)
        empty.send("GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        #expect(try empty.readResponse().text == "hello")
    }

    @Test func bodyBudgetHoldsNBytesAndRefusesOneMoreWith503() throws {
        let server = try TestServer { $0.bodyBudgetBytes = 100 }
        defer { server.stop() }
        // 60 bytes announced and held while the rest of the body is awaited.
        let holder = try RawClient(port: server.port)
        holder.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 60\r\n\r\n0123456789")
        Thread.sleep(forTimeInterval: 0.1)
        let over = try RawClient(port: server.port)
        over.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 41\r\n\r\n")
        let refused = try over.readResponse()
        #expect(refused.status == 503 && refused.header("Retry-After") == "1")
        let fits = try RawClient(port: server.port)
        fits.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n" + String(repeating: "x", count: 40))
        #expect(try fits.readResponse().body.count == 40)
        holder.send(String(repeating: "y", count: 50))
        #expect(try holder.readResponse().body.count == 60)
        // Both bodies were returned to the budget: the whole of it fits again.
        let whole = try RawClient(port: server.port)
        whole.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + String(repeating: "z", count: 100))
        #expect(try whole.readResponse().body.count == 100)
    }

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

    @Test func answers408AndClosesWhenBodyArrivesSlowerThanMinimumRate() throws {
        let server = try TestServer {
            $0.minBodyBytesPerSecond = 1_000
            $0.bodyRateGracePeriod = .milliseconds(200)
        }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nx")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(try client.isClosedByServer())
    }

    @Test func answers408WhenWholeRequestTakesLongerThanRequestTimeout() throws {
        let server = try TestServer {
            $0.requestTimeout = .milliseconds(300)
            $0.minBodyBytesPerSecond = 0
        }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n")
        // Bytes keep coming (no stall), just never the whole body in time. The sending thread
        // stops before the client's descriptor is closed, so it never writes into a descriptor
        // number another test has been given since.
        let stop = Counter()
        let stopped = DispatchSemaphore(value: 0)
        let trickle = Thread { [fd = client.fd] in
            defer { stopped.signal() }
            for _ in 0..<60 where stop.value.load(ordering: .relaxed) == 0 {
                var byte: UInt8 = 0x78
                guard send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        trickle.start()
        defer {
            stop.value.store(1, ordering: .relaxed)
            stopped.wait()
            withExtendedLifetime(client) {}
        }
        #expect(try client.readResponse().status == 408)
    }
}
