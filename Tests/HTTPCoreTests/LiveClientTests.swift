import Foundation
import HTTPCore
import TestSupport
import Testing

/// Live tests with real clients: curl and Python's http.client.
struct LiveClientTests {
    static let curl = "/usr/bin/curl"
    static let env = "/usr/bin/env"

    @Test func curlReusesKeepAliveConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let result = try Subprocess.run(Self.curl, ["-sv", "\(base)/hello", "\(base)/items/7"])
        #expect(result.status == 0)
        #expect(result.stdout == #"hello{"id":"7"}"#)
        #expect(result.stderr.contains("Re-using existing connection"))
    }

    @Test func curlUploadsChunkedBody() throws {
        let server = try TestServer()
        defer { server.stop() }
        let payload = Data((0..<50_000).map { UInt8(0x61 + $0 % 26) })
        let result = try Subprocess.run(Self.curl, ["-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-",
                                                    "http://127.0.0.1:\(server.port)/echo"], stdin: payload)
        #expect(result.status == 0)
        #expect(result.output == payload)
    }

    @Test func curlWaitsFor100ContinueThenSendsBody() throws {
        let server = try TestServer()
        defer { server.stop() }
        let payload = Data(repeating: 0x7A, count: 4_000)
        let result = try Subprocess.run(Self.curl, ["-sv", "-H", "Expect: 100-continue", "--data-binary", "@-",
                                                    "http://127.0.0.1:\(server.port)/echo"], stdin: payload)
        #expect(result.status == 0)
        #expect(result.stderr.contains("HTTP/1.1 100 Continue"))
        #expect(result.output == payload)
    }

    @Test func curlGets417ForUnknownExpectation() throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try Subprocess.run(Self.curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect: teapot",
                                                    "--data-binary", "x", "http://127.0.0.1:\(server.port)/echo"])
        #expect(result.stdout == "417")
    }

    @Test func pythonHTTPClientKeepsOneConnectionAcrossMethods() throws {
        let server = try TestServer()
        defer { server.stop() }
        let script = """
            import http.client, sys
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
            out = []
            c.request("GET", "/hello"); r = c.getresponse(); out.append(f"{r.status} {r.read().decode()}")
            first = c.sock
            c.request("HEAD", "/hello"); r = c.getresponse(); out.append(f"{r.status} {r.getheader('Content-Length')} {len(r.read())}")
            c.request("POST", "/echo?q=x%20y", body=iter([b"ab", b"cd"]), encode_chunked=True)
            r = c.getresponse(); out.append(f"{r.status} {r.read().decode()} {r.getheader('X-Query')}")
            c.request("GET", "/stream?pieces=3&size=4"); r = c.getresponse(); out.append(f"{r.status} {r.read().decode()}")
            c.request("GET", "/missing"); r = c.getresponse(); out.append(f"{r.status} {r.getheader('Content-Type')} {len(r.read()) > 0}")
            out.append("same connection" if c.sock is first else "reconnected")
            print("\\n".join(out))
            """
        let result = try Subprocess.run(Self.env, ["python3", "-c", script, String(server.port)])
        #expect(result.status == 0, "python3 failed: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == [
            "200 hello", "200 5 0", "200 abcd x y", "200 aaaaaaaaaaaa",
            "404 application/problem+json True", "same connection",
        ])
    }
}
