import Foundation
import HTTPCore
import Testing

/// Live tests over real sockets with a raw client: exact bytes in, exact responses out.
struct LiveServerTests {
    @Test func answersPipelinedRequestsInRequestOrder() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        // The pool route in the middle finishes on another thread; its answer must still come second.
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /heavy HTTP/1.1\r\nHost: a\r\n\r\n"
            + "GET /items/42 HTTP/1.1\r\nHost: a\r\n\r\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        let bodies = try (0..<4).map { _ in try client.readResponse().text }
        #expect(bodies == ["hello", "heavy", #"{"id":"42"}"#, "abc"])
    }

    @Test func omitsBodyForHeadButKeepsLength() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try client.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(try client.readResponse().text == "hello")
    }

    @Test func sendsDateAndClosesWhenAskedTo() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByServer())
    }

    @Test func keepsHTTP10ConnectionAliveOnlyWhenAsked() throws {
        let server = try TestServer()
        defer { server.stop() }
        let keep = try RawClient(port: server.port)
        keep.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello HTTP/1.0\r\n\r\n")
        #expect(try keep.readResponse().header("Connection") == "keep-alive")
        #expect(try keep.readResponse().header("Connection") == "close")
        #expect(try keep.isClosedByServer())
    }

    @Test func routesParametersAndAnswers404And405() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /items/a%20b HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"
            + "DELETE /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try client.readResponse().text == #"{"id":"a b"}"#)
        let missing = try client.readResponse()
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let wrongMethod = try client.readResponse()
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD")
        // The log names the pattern each path fits (a bounded metrics label), nil for none.
        let routes = server.routeLog
        #expect(routes.count == 3)
        #expect(routes.contains { $0 == ("/items/a%20b", "/items/{id}") })
        #expect(routes.contains { $0 == ("/nothing", nil) })
        #expect(routes.contains { $0 == ("/hello", "/hello") })
    }

    @Test func turnsHTTPErrorsIntoProblemsAndHidesOtherErrors() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /problem HTTP/1.1\r\nHost: a\r\n\r\nGET /fail HTTP/1.1\r\nHost: a\r\n\r\n")
        let problem = try client.readResponse()
        #expect(problem.status == 422)
        let json = try JSONSerialization.jsonObject(with: Data(problem.body)) as? [String: Any]
        #expect(json?["field"] as? String == "steps")
        #expect(json?["limit"] as? Int == 64)
        #expect(json?["status"] as? Int == 422)
        #expect(json?["title"] as? String == "Unprocessable Content")
        let failure = try client.readResponse()
        #expect(failure.status == 500)
        #expect(!failure.text.contains("NSCocoaErrorDomain") && !failure.text.contains("fileNoSuchFile"))
        #expect(server.recorder.events.withLock { $0 }.contains { if case .handlerFailed = $0 { true } else { false } })
    }

    @Test func refusesSmugglingAttemptWith400AndCloses() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByServer())
        #expect(server.requestLog.contains { $0 == ("-", "-", 400) })
    }

    @Test func refusesAnnouncedOversizedBodyWith413BeforeItIsSent() throws {
        let server = try TestServer { $0.maxBodyBytes = 10 }
        defer { server.stop() }
        let ok = try RawClient(port: server.port)
        ok.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
        #expect(try ok.readResponse().text == "0123456789")
        let refused = try RawClient(port: server.port)
        refused.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        #expect(try refused.readResponse().status == 413)
    }

    @Test func streamsChunkedBodyToHTTP11AndUntilCloseToHTTP10() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.send("GET /stream?pieces=5&size=100 HTTP/1.1\r\nHost: a\r\n\r\n")
        let chunked = try client.readResponse()
        #expect(chunked.header("Transfer-Encoding") == "chunked")
        #expect(chunked.body.count == 500)
        let old = try RawClient(port: server.port)
        old.send("GET /stream?pieces=3&size=10 HTTP/1.0\r\n\r\n")
        let untilClose = try old.readResponse()
        #expect(untilClose.header("Transfer-Encoding") == nil)
        #expect(untilClose.body.count == 30)
    }

    @Test func stopsPullingStreamWhileClientDoesNotRead() throws {
        let server = try TestServer { $0.maxPendingWriteBytes = 65_536 }
        defer { server.stop() }
        let client = try RawClient(port: server.port, receiveBuffer: 65_536)
        let pieces = 1_024, size = 65_536
        client.send("GET /stream?pieces=\(pieces)&size=\(size) HTTP/1.1\r\nHost: a\r\n\r\n")
        // Long enough for an unbounded server to produce everything; the client reads nothing.
        Thread.sleep(forTimeInterval: 0.5)
        let pulledWhileStalled = server.recorder.pulled.value.load(ordering: .relaxed)
        // The server's send buffer grows to tcp_wmem's maximum (4 MiB by default) and the
        // client's is fixed; an unbounded server would have produced all 64 MiB.
        #expect(pulledWhileStalled * size < 16 << 20)
        #expect(try client.readResponse().body.count == pieces * size)
    }

    @Test func servesOverIPv6() throws {
        let server = try TestServer { $0.host = "::1" }
        defer { server.stop() }
        let client = try RawClient(port: server.port, host: "::1")
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try client.readResponse().text == "hello")
    }
}
