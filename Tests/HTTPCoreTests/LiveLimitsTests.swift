import Foundation
import HTTPCore
import Testing

/// Live tests of timeouts, caps and shutdown. Short timeouts come from the configuration;
/// sleeps only give a timeout the chance to fire, nothing asserts on how long anything took.
struct LiveLimitsTests {
    @Test func answers408ToClientTooSlowToSendItsHead() throws {
        let server = try TestServer { $0.headerTimeout = .milliseconds(200) }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\n")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByServer())
    }

    @Test func closesIdleKeepAliveConnectionAfterTimeout() throws {
        let server = try TestServer { $0.idleTimeout = .milliseconds(200) }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(try client.isClosedByServer())
    }

    @Test func answers503AtConnectionCapWhenNoConnectionCanMakeRoom() throws {
        let server = try TestServer {
            $0.maxConnections = 3
            $0.ioThreads = 1
            $0.workerThreads = 3
        }
        defer { server.stop() }
        // Requests a worker holds are never closed to make room.
        let busy = try (0..<3).map { _ in try RawClient(port: server.port) }
        for client in busy {
            client.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
            server.gateStarted.wait()
        }
        let extra = try RawClient(port: server.port)
        let refused = try extra.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(try extra.isClosedByServer())
        for _ in busy { server.gate.signal() }
        for client in busy { #expect(try client.readResponse().text == "opened") }
    }

    @Test func newConnectionAtCapTakesThePlaceOfTheIdleOneWithTheEarliestDeadline() throws {
        let server = try TestServer {
            $0.maxConnections = 2
            $0.ioThreads = 1
        }
        defer { server.stop() }
        let first = try RawClient(port: server.port)
        first.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try first.readResponse().status == 200)
        Thread.sleep(forTimeInterval: 0.05)
        let second = try RawClient(port: server.port)
        second.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try second.readResponse().status == 200)
        let third = try RawClient(port: server.port)
        third.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try third.readResponse().status == 200)
        #expect(try first.isClosedByServer())
        second.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try second.readResponse().status == 200)
    }

    @Test func newConnectionAtCapTakesThePlaceOfTheSlowestRequest() throws {
        let server = try TestServer {
            $0.maxConnections = 2
            $0.ioThreads = 1
        }
        defer { server.stop() }
        let idle = try RawClient(port: server.port)
        idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        // A head in progress must end within the header timeout (10 s), sooner than the idle
        // connection's 60 s: it is the one that makes room.
        let slow = try RawClient(port: server.port)
        slow.send("POST /echo HTTP/1.1\r\nHost: a\r\n")
        Thread.sleep(forTimeInterval: 0.05)
        let newcomer = try RawClient(port: server.port)
        newcomer.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try newcomer.readResponse().status == 200)
        #expect(try slow.readResponse().status == 503)
        idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
    }

    @Test func queuesHeavyRequestsUpToCapacityAndAnswersOneMoreWith503() throws {
        let server = try TestServer {
            $0.workerThreads = 1
            $0.workerQueueCapacity = 1
            $0.retryAfter = .seconds(7)
        }
        defer { server.stop() }
        let running = try RawClient(port: server.port)
        running.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        let queued = try RawClient(port: server.port)
        queued.send("GET /heavy HTTP/1.1\r\nHost: a\r\n\r\n")
        // Give the queued request time to reach the pool before the refused one.
        Thread.sleep(forTimeInterval: 0.1)
        let refused = try RawClient(port: server.port)
        refused.send("GET /heavy HTTP/1.1\r\nHost: a\r\n\r\n")
        let busy = try refused.readResponse()
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") == "7")
        // Cheap routes still answer while the pool is full.
        refused.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try refused.readResponse().status == 200)
        server.gate.signal()
        #expect(try running.readResponse().text == "opened")
        #expect(try queued.readResponse().text == "heavy")
    }

    @Test func finishesInFlightRequestOnShutdownAndRefusesNewConnections() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        let idle = try RawClient(port: server.port)
        idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = try idle.readResponse()
        server.server.shutdown()
        #expect(try idle.isClosedByServer())
        server.gate.signal()
        let response = try client.readResponse()
        #expect(response.text == "opened")
        #expect(response.header("Connection") == "close")
        server.server.wait()
        #expect(throws: RawClient.ClientError.self) { try RawClient(port: server.port) }
    }

    @Test func servesManyIdleKeepAliveConnectionsAtOnce() throws {
        let server = try TestServer()
        defer { server.stop() }
        let clients = try (0..<500).map { _ in try RawClient(port: server.port) }
        for client in clients { client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n") }
        let first = try clients.map { try $0.readResponse() }
        #expect(first.allSatisfy { $0.text == "hello" }, "\(Set(first.map { "\($0.status) \($0.text)" }))")
        // All stay open and usable: a second round on the same connections.
        for client in clients { client.send("GET /items/1 HTTP/1.1\r\nHost: a\r\n\r\n") }
        #expect(try clients.allSatisfy { try $0.readResponse().status == 200 })
    }

    @Test func acceptsHeadersUpToLimitsOnTheWire() throws {
        let server = try TestServer {
            $0.maxTargetBytes = 16
            $0.maxHeaderCount = 2
        }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /items/123456789 HTTP/1.1\r\nHost: a\r\nA: 1\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let long = try RawClient(port: server.port)
        long.send("GET /items/1234567890 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try long.readResponse().status == 414)
        let many = try RawClient(port: server.port)
        many.send("GET /hello HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n")
        #expect(try many.readResponse().status == 431)
    }

    @Test func closesRequestsStillRunningWhenGracePeriodEnds() throws {
        let server = try TestServer { $0.shutdownGracePeriod = .milliseconds(200) }
        let client = try RawClient(port: server.port)
        client.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        server.server.shutdown()
        #expect(try client.isClosedByServer())
        server.gate.signal()
        server.server.wait()
    }

    @Test func dropsResponseOfClientThatLeftWhileWorkerRan() throws {
        let server = try TestServer()
        defer { server.stop() }
        var client: RawClient? = try RawClient(port: server.port)
        client?.send("GET /gate HTTP/1.1\r\nHost: a\r\n\r\n")
        server.gateStarted.wait()
        client = nil
        server.gate.signal()
        let next = try RawClient(port: server.port)
        next.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try next.readResponse().text == "hello")
    }
}
