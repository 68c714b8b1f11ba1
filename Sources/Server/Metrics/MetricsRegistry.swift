internal import Synchronization

/// A thread-safe set of metric families that renders them in the Prometheus text format 0.0.4.
///
/// Output is deterministic: families sorted by name, series by label values.
final class MetricsRegistry: Sendable {
    /// Families by name.
    private let families = Mutex<[String: MetricFamily]>([:])

    init() {}

    /// Registers a counter. By convention its name ends in `_total`.
    func counter(_ name: String, help: String, labels: [String] = []) throws(MetricsError) -> Counter {
        Counter(family: try register(name, help: help, kind: .counter, labels: labels, buckets: []))
    }

    /// Registers a gauge.
    func gauge(_ name: String, help: String, labels: [String] = []) throws(MetricsError) -> Gauge {
        Gauge(family: try register(name, help: help, kind: .gauge, labels: labels, buckets: []))
    }

    /// Registers a histogram with the given upper bounds (a `+Inf` bucket is always added).
    func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) throws(MetricsError) -> Histogram {
        Histogram(family: try register(name, help: help, kind: .histogram, labels: labels, buckets: buckets))
    }

    /// Every family in text exposition format 0.0.4, ending in a line feed.
    func exposition() -> String {
        let sorted = families.withLock { Array($0.values) }.sorted { $0.name < $1.name }
        var out = ""
        for family in sorted { family.render(into: &out) }
        return out
    }

    private func register(_ name: String, help: String, kind: MetricKind, labels: [String],
                          buckets: [Double]) throws(MetricsError) -> MetricFamily {
        guard PrometheusText.isValidMetricName(name) else { throw .invalidMetricName(name) }
        var seen: Set<String> = []
        for label in labels {
            guard PrometheusText.isValidLabelName(label), !(kind == .histogram && label == "le") else {
                throw .invalidLabelName(metric: name, label: label)
            }
            guard seen.insert(label).inserted else { throw .duplicateLabelName(metric: name, label: label) }
        }
        if kind == .histogram {
            let increasing = zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }
            guard !buckets.isEmpty, increasing, buckets.allSatisfy(\.isFinite) else {
                throw .invalidBuckets(metric: name, buckets: buckets)
            }
        }
        let family = MetricFamily(name: name, help: help, kind: kind, labelNames: labels, buckets: buckets)
        let result: Result<MetricFamily, MetricsError> = families.withLock { all in
            // A histogram also writes name_bucket, name_sum and name_count: none may clash.
            let claimed = Set(all.values.flatMap(Self.sampleNames))
            guard all[name] == nil, claimed.isDisjoint(with: Self.sampleNames(family)) else {
                return .failure(.duplicateMetric(name))
            }
            all[name] = family
            return .success(family)
        }
        return try result.get()
    }

    private static func sampleNames(_ family: MetricFamily) -> [String] {
        family.kind == .histogram
            ? [family.name, family.name + "_bucket", family.name + "_sum", family.name + "_count"]
            : [family.name]
    }
}
