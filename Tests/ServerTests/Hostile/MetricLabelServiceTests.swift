import Foundation
import TestSupport
import Testing
@testable import Server

/// Issue 13: 300,000 requests with distinct method tokens grew /metrics from 44 KB to 239 MB,
/// one `http_requests_total` series per method, never freed.
struct MetricLabelServiceTests {
    @Test func methodsOutsideTheKnownSetShareOneLabelValue() {
        for method in ServiceMetrics.methodLabels { #expect(ServiceMetrics.methodLabel(method) == method) }
        for method in ["get", "GETX", "BREW", "-", "PROPFIND", String(repeating: "A", count: 1_000)] {
            #expect(ServiceMetrics.methodLabel(method) == "other")
        }
    }

    /// Twenty thousand requests on one pipelined connection, each with its own method token,
    /// then a scrape: under 100 KB, every one of them counted under `other`.
    @Test func metricsStayUnder100KBAfter20000DistinctMethods() throws {
        let count = 20_000
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("hostile-methods").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0"])
        let socket = try LineSocket(port: service.port)
        let reader = DispatchQueue(label: "reader")
        let received = LockedText()
        let done = DispatchSemaphore(value: 0)
        reader.async {
            received.append(socket.readToEnd())
            done.signal()
        }
        var batch = ""
        for i in 0..<count {
            batch += "M\(i) /healthz HTTP/1.1\r\nHost: a\r\n\(i == count - 1 ? "Connection: close\r\n" : "")\r\n"
            if batch.utf8.count > 64 << 10 || i == count - 1 {
                socket.send(batch)
                batch = ""
            }
        }
        done.wait()
        #expect(received.text.components(separatedBy: "HTTP/1.1 405 ").count - 1 == count)
        let metrics = try Curl.get(service.url + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.count < 100_000, "/metrics is \(metrics.body.count) bytes")
        #expect(metrics.text.contains(#"http_requests_total{route="/healthz",method="other",status="405"} \#(count)"#))
    }
}
