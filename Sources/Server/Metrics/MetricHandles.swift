/// A monotonically increasing count, e.g. requests served.
struct Counter: Sendable {
    let family: MetricFamily

    /// Adds `amount` to the series with these label values (in the order the labels were declared).
    /// Requires `amount >= 0` and one value per label.
    func increment(_ labelValues: [String] = [], by amount: Double = 1) {
        precondition(amount >= 0, "counter \(family.name) cannot decrease (got \(amount))")
        family.update(labelValues) { $0.value += amount }
    }
}

/// A value that goes up and down, e.g. queue depth.
struct Gauge: Sendable {
    let family: MetricFamily

    /// Sets the series with these label values to `value`.
    func set(_ value: Double, _ labelValues: [String] = []) {
        family.update(labelValues) { $0.value = value }
    }

    /// Adds `amount` (possibly negative) to the series with these label values.
    func add(_ amount: Double, _ labelValues: [String] = []) {
        family.update(labelValues) { $0.value += amount }
    }
}

/// A distribution of observations (durations in seconds) over fixed buckets.
struct Histogram: Sendable {
    let family: MetricFamily

    /// Counts `value` in the first bucket whose upper bound is >= `value` (else the `+Inf` bucket)
    /// and adds it to the sum.
    func observe(_ value: Double, _ labelValues: [String] = []) {
        let buckets = family.buckets
        let index = buckets.firstIndex { value <= $0 } ?? buckets.count
        family.update(labelValues) { series in
            series.bucketCounts[index] += 1
            series.sum += value
            series.count += 1
        }
    }
}
