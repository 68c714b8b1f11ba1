/// A metric registration the Prometheus data model does not allow.
enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case invalidMetricName(String)
    /// Label names match `[a-zA-Z_][a-zA-Z0-9_]*`, do not start with `__`, and are not `le` on a histogram.
    case invalidLabelName(metric: String, label: String)
    /// The same label name appears twice in one metric.
    case duplicateLabelName(metric: String, label: String)
    /// A metric (or a histogram's `_bucket`/`_sum`/`_count` series) of this name already exists.
    case duplicateMetric(String)
    /// Histogram buckets must be non-empty, finite and strictly increasing.
    case invalidBuckets(metric: String, buckets: [Double])

    var description: String {
        switch self {
        case .invalidMetricName(let name): return "invalid metric name \"\(name)\""
        case .invalidLabelName(let metric, let label): return "metric \(metric): invalid label name \"\(label)\""
        case .duplicateLabelName(let metric, let label): return "metric \(metric): label \(label) given twice"
        case .duplicateMetric(let name): return "metric \(name) registered twice"
        case .invalidBuckets(let metric, let buckets):
            return "metric \(metric): buckets must be finite and strictly increasing, got \(buckets)"
        }
    }
}
