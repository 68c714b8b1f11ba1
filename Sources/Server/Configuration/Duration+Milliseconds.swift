extension Duration {
    /// The duration in whole milliseconds, rounded up, computed exactly: the unit of the edges
    /// that take integers (SQL timestamps and lease expiries, `sqlite3_busy_timeout`, libcurl's
    /// `_MS` options, log fields named `_ms`). Dividing by `.milliseconds(1)` instead goes
    /// through `Double`, which is inexact past about 9 seconds. Requires a non-negative duration.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        return seconds * 1_000 + (attoseconds + perMillisecond - 1) / perMillisecond
    }
}
