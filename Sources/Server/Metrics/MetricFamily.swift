internal import Synchronization

/// The Prometheus type of a metric family.
enum MetricKind: String, Sendable {
    case counter
    case gauge
    case histogram
}

/// One named metric and all its labelled series, guarded by its own lock.
final class MetricFamily: Sendable {
    /// One series' state: a value for counters and gauges; bucket counts, sum and count for histograms.
    struct Series: Sendable {
        var value: Double = 0
        /// Per-bucket (not cumulative) observation counts; the last slot is the `+Inf` overflow.
        var bucketCounts: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0
    }

    let name: String
    let help: String
    let kind: MetricKind
    let labelNames: [String]
    /// Histogram upper bounds in seconds, strictly increasing; empty for counters and gauges.
    let buckets: [Double]
    private let series: Mutex<[[String]: Series]>

    init(name: String, help: String, kind: MetricKind, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        self.buckets = buckets
        // Like the reference clients, an unlabelled metric exists (at zero) from registration.
        self.series = Mutex(labelNames.isEmpty ? [[]: Self.emptySeries(bucketCount: buckets.count)] : [:])
    }

    /// Applies `update` to the series with these label values, creating it at zero first.
    /// Requires `labelValues.count == labelNames.count`.
    func update(_ labelValues: [String], _ update: (inout Series) -> Void) {
        precondition(labelValues.count == labelNames.count,
                     "metric \(name) takes labels \(labelNames), got \(labelValues.count) values")
        series.withLock { all in
            update(&all[labelValues, default: Self.emptySeries(bucketCount: buckets.count)])
        }
    }

    /// A consistent copy of every series, sorted by label values.
    func snapshot() -> [(labels: [String], series: Series)] {
        series.withLock { all in all.map { (labels: $0.key, series: $0.value) } }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }

    /// The family in text format 0.0.4: HELP, TYPE, then each series' samples.
    func render(into out: inout String) {
        out += "# HELP \(name) \(PrometheusText.escapeHelp(help))\n"
        out += "# TYPE \(name) \(kind.rawValue)\n"
        for (labels, state) in snapshot() {
            guard kind == .histogram else {
                out += "\(name)\(PrometheusText.labelSet(names: labelNames, values: labels)) "
                out += "\(PrometheusText.formatValue(state.value))\n"
                continue
            }
            let bucketLabelNames = labelNames + ["le"]
            var cumulative: UInt64 = 0
            for (index, count) in state.bucketCounts.enumerated() {
                cumulative += count
                let bound = index < buckets.count ? PrometheusText.formatValue(buckets[index]) : "+Inf"
                out += "\(name)_bucket\(PrometheusText.labelSet(names: bucketLabelNames, values: labels + [bound])) \(cumulative)\n"
            }
            let labelSet = PrometheusText.labelSet(names: labelNames, values: labels)
            out += "\(name)_sum\(labelSet) \(PrometheusText.formatValue(state.sum))\n"
            out += "\(name)_count\(labelSet) \(state.count)\n"
        }
    }

    private static func emptySeries(bucketCount: Int) -> Series {
        Series(bucketCounts: bucketCount == 0 ? [] : [UInt64](repeating: 0, count: bucketCount + 1))
    }
}
