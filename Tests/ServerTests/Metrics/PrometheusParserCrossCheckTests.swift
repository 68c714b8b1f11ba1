import Foundation
import TestSupport
import Testing
@testable import Server

/// Feeds the service's exposition to the reference Python parser (prometheus_client, pinned in
/// tools/requirements.txt) and checks what it read back.
struct PrometheusParserCrossCheckTests {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// Parsed families by the parser's family name, each with its type and samples.
    static func parse(_ text: String) throws -> [String: (type: String, samples: [Sample])] {
        let parsed = try Python.run("prometheus_parse.py", [], stdin: Data(text.utf8))
        try #require(parsed.status == 0, "parser failed: \(parsed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: parsed.output) as? [String: Any])
        let families = try #require(json["families"] as? [[String: Any]])
        var result: [String: (type: String, samples: [Sample])] = [:]
        for family in families {
            let samples = (family["samples"] as? [[String: Any]] ?? []).map { sample in
                let value: Double = (sample["value"] as? Double)
                    ?? ((sample["value"] as? String) == "+Inf" ? .infinity : .nan)
                return Sample(name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                              value: value)
            }
            result[family["name"] as? String ?? ""] = (type: family["type"] as? String ?? "", samples: samples)
        }
        return result
    }

    @Test func referenceParserReadsServiceMetricsBackExactly() throws {
        let metrics = try ServiceMetrics()
        metrics.recordRequest(route: "/v1/jobs", method: "POST", status: 202, seconds: 0.003)
        metrics.recordRequest(route: "/v1/jobs", method: "POST", status: 202, seconds: 0.2)
        metrics.recordRequest(route: "/v1/jobs/{id}", method: "GET", status: 404, seconds: 12)
        metrics.recordRequest(route: "/odd \"route\"\\\n", method: "GET", status: 200, seconds: 0.05)
        metrics.verificationDuration.observe(4.2)
        metrics.scoringDuration.observe(0.0007)
        metrics.blasCore.set(1, ["Haswell", "corrected"])
        let (store, _, _) = try JobStoreFactory.sqlite.fresh()
        for n in 0..<3 { _ = try store.submit(JobSubmission(bundle: testBundle(n))) }
        _ = try store.claim(owner: "w")
        try metrics.refresh(from: store)

        let parsed = try Self.parse(metrics.exposition())
        // prometheus_client names a counter family without its _total suffix.
        #expect(Set(parsed.keys) == ["http_requests", "http_request_duration_seconds", "pogo_jobs", "pogo_queue_depth",
                                     "pogo_verification_duration_seconds", "poq_scoring_duration_seconds", "blas_core_info"])
        #expect(parsed["blas_core_info"]?.samples.map(\.labels) == [["core": "Haswell", "source": "corrected"]])
        #expect(parsed["blas_core_info"]?.samples.first?.value == 1)
        let requests = try #require(parsed["http_requests"])
        #expect(requests.type == "counter")
        let posts = requests.samples.first { $0.labels == ["route": "/v1/jobs", "method": "POST", "status": "202"] }
        #expect(posts?.name == "http_requests_total" && posts?.value == 2)
        #expect(requests.samples.contains { $0.labels["route"] == "/odd \"route\"\\\n" && $0.value == 1 })

        let jobs = try #require(parsed["pogo_jobs"])
        #expect(jobs.type == "gauge")
        let byState = Dictionary(uniqueKeysWithValues: jobs.samples.map { ($0.labels["state"] ?? "", $0.value) })
        #expect(byState == ["queued": 2, "running": 1, "verified": 0, "rejected": 0, "failed": 0])
        #expect(parsed["pogo_queue_depth"]?.samples.first?.value == 2)

        for name in ["http_request_duration_seconds", "pogo_verification_duration_seconds", "poq_scoring_duration_seconds"] {
            let family = try #require(parsed[name])
            #expect(family.type == "histogram")
            try Self.expectMonotonicBuckets(family.samples)
        }
        let verification = try #require(parsed["pogo_verification_duration_seconds"]).samples
        #expect(verification.first { $0.name.hasSuffix("_bucket") && $0.labels["le"] == "2.5" }?.value == 0)
        #expect(verification.first { $0.name.hasSuffix("_bucket") && $0.labels["le"] == "5" }?.value == 1)
        #expect(verification.first { $0.name.hasSuffix("_sum") }?.value == 4.2)
    }

    /// Per label set: bucket bounds strictly increase, counts never decrease, the last bound is
    /// +Inf and its count equals `_count`.
    static func expectMonotonicBuckets(_ samples: [Sample]) throws {
        let groups = Dictionary(grouping: samples) { sample in
            sample.labels.filter { $0.key != "le" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        #expect(!groups.isEmpty)
        for (key, group) in groups {
            let buckets = group.filter { $0.name.hasSuffix("_bucket") }
            let bounds = buckets.map { $0.labels["le"] == "+Inf" ? Double.infinity : Double($0.labels["le"] ?? "") ?? .nan }
            #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds of \(key): \(bounds)")
            #expect(bounds.last == .infinity)
            let counts = buckets.map(\.value)
            #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 }, "counts of \(key): \(counts)")
            #expect(counts.last == group.first { $0.name.hasSuffix("_count") }?.value)
        }
    }
}
