import Foundation
import Testing
@testable import Server

/// The registry's exact output, registration rules and thread safety.
struct MetricsRegistryTests {
    @Test func rendersSmallRegistryExactly() throws {
        let registry = MetricsRegistry()
        let requests = try registry.counter("requests_total", help: "Requests.\nSecond \\ line.", labels: ["route", "code"])
        let depth = try registry.gauge("depth", help: "Depth.")
        let latency = try registry.histogram("latency_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 0.5, 2])
        requests.increment(["/b", "200"])
        requests.increment(["/a", "200"], by: 2)
        requests.increment(["/a \"q\"\\\n", "500"])
        depth.set(7)
        depth.add(-2.5)
        for value in [0.05, 0.1, 0.3, 3] { latency.observe(value, ["/a"]) }
        let expected = """
            # HELP depth Depth.
            # TYPE depth gauge
            depth 4.5
            # HELP latency_seconds Latency.
            # TYPE latency_seconds histogram
            latency_seconds_bucket{route="/a",le="0.1"} 2
            latency_seconds_bucket{route="/a",le="0.5"} 3
            latency_seconds_bucket{route="/a",le="2"} 3
            latency_seconds_bucket{route="/a",le="+Inf"} 4
            latency_seconds_sum{route="/a"} 3.45
            latency_seconds_count{route="/a"} 4
            # HELP requests_total Requests.\\nSecond \\\\ line.
            # TYPE requests_total counter
            requests_total{route="/a",code="200"} 2
            requests_total{route="/a \\"q\\"\\\\\\n",code="500"} 1
            requests_total{route="/b",code="200"} 1

            """
        #expect(registry.exposition() == expected)
    }

    @Test func unlabelledMetricsAppearAtZeroBeforeFirstUse() throws {
        let registry = MetricsRegistry()
        _ = try registry.counter("c_total", help: "c")
        _ = try registry.histogram("h", help: "h", buckets: [1])
        _ = try registry.gauge("labelled", help: "g", labels: ["x"])
        #expect(registry.exposition() == """
            # HELP c_total c
            # TYPE c_total counter
            c_total 0
            # HELP h h
            # TYPE h histogram
            h_bucket{le="1"} 0
            h_bucket{le="+Inf"} 0
            h_sum 0
            h_count 0
            # HELP labelled g
            # TYPE labelled gauge

            """)
    }

    @Test func formatsSpecialAndFractionalValues() {
        #expect(PrometheusText.formatValue(3) == "3")
        #expect(PrometheusText.formatValue(-0.25) == "-0.25")
        #expect(PrometheusText.formatValue(1e-05) == "1e-05")
        #expect(PrometheusText.formatValue(9_007_199_254_740_991) == "9007199254740991")
        #expect(PrometheusText.formatValue(9_007_199_254_740_992) == "9007199254740992.0")
        #expect(PrometheusText.formatValue(.infinity) == "+Inf")
        #expect(PrometheusText.formatValue(-.infinity) == "-Inf")
        #expect(PrometheusText.formatValue(.nan) == "NaN")
    }

    @Test func observationOnABucketBoundCountsInThatBucket() throws {
        let registry = MetricsRegistry()
        let histogram = try registry.histogram("h", help: "h", buckets: [1, 2])
        histogram.observe(1)
        histogram.observe(2.0000001)
        let text = registry.exposition()
        #expect(text.contains("h_bucket{le=\"1\"} 1\n"))
        #expect(text.contains("h_bucket{le=\"2\"} 1\n"))
        #expect(text.contains("h_bucket{le=\"+Inf\"} 2\n"))
    }

    @Test func refusesInvalidNamesLabelsBucketsAndDuplicates() throws {
        let registry = MetricsRegistry()
        #expect(throws: MetricsError.invalidMetricName("1abc")) { try registry.counter("1abc", help: "") }
        #expect(throws: MetricsError.invalidMetricName("a-b")) { try registry.gauge("a-b", help: "") }
        #expect(throws: MetricsError.invalidMetricName("")) { try registry.gauge("", help: "") }
        #expect(throws: MetricsError.invalidLabelName(metric: "g", label: "__x")) { try registry.gauge("g", help: "", labels: ["__x"]) }
        #expect(throws: MetricsError.invalidLabelName(metric: "g", label: "a:b")) { try registry.gauge("g", help: "", labels: ["a:b"]) }
        #expect(throws: MetricsError.invalidLabelName(metric: "h", label: "le")) {
            try registry.histogram("h", help: "", labels: ["le"], buckets: [1])
        }
        #expect(throws: MetricsError.duplicateLabelName(metric: "g", label: "a")) { try registry.gauge("g", help: "", labels: ["a", "a"]) }
        #expect(throws: MetricsError.invalidBuckets(metric: "h", buckets: [])) { try registry.histogram("h", help: "", buckets: []) }
        #expect(throws: MetricsError.invalidBuckets(metric: "h", buckets: [1, 1])) { try registry.histogram("h", help: "", buckets: [1, 1]) }
        #expect(throws: MetricsError.invalidBuckets(metric: "h", buckets: [1, .infinity])) {
            try registry.histogram("h", help: "", buckets: [1, .infinity])
        }
        _ = try registry.histogram("h", help: "", buckets: [1])
        #expect(throws: MetricsError.duplicateMetric("h")) { try registry.gauge("h", help: "") }
        #expect(throws: MetricsError.duplicateMetric("h_count")) { try registry.counter("h_count", help: "") }
        _ = try registry.gauge("x_sum", help: "")
        #expect(throws: MetricsError.duplicateMetric("x")) { try registry.histogram("x", help: "", buckets: [1]) }
        _ = try registry.gauge("ok:name_1", help: "", labels: ["_ok", "b2"])
    }

    @Test func concurrentUpdatesFromManyThreadsAreAllCounted() throws {
        let registry = MetricsRegistry()
        let counter = try registry.counter("c_total", help: "c", labels: ["t"])
        let histogram = try registry.histogram("h", help: "h", buckets: [0.5])
        let gauge = try registry.gauge("g", help: "g")
        let threads = 16, perThread = 2_000
        try concurrently(threads) { index in
            for step in 0..<perThread {
                counter.increment([String(index % 2)])
                histogram.observe(step.isMultiple(of: 2) ? 0.25 : 1)
                gauge.add(1)
            }
        }
        let text = registry.exposition()
        let half = threads * perThread / 2
        #expect(text.contains("c_total{t=\"0\"} \(half)\n") && text.contains("c_total{t=\"1\"} \(half)\n"))
        #expect(text.contains("h_bucket{le=\"0.5\"} \(half)\n"))
        #expect(text.contains("h_count \(threads * perThread)\n"))
        #expect(text.contains("h_sum \(PrometheusText.formatValue(Double(half) * 1.25))\n"))
        #expect(text.contains("g \(threads * perThread)\n"))
    }
}
