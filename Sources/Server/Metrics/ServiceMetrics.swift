/// The metrics the verification service exposes, registered once on their own registry.
///
/// No label value comes from client input unbounded, so the number of series stays bounded:
/// `route` labels are route templates (`/v1/jobs/{id}`) or `other`, never raw paths; methods
/// outside a fixed set share `other`; statuses are the codes the server answers with; job
/// states are `JobStatus` values. See docs/metrics.md.
struct ServiceMetrics: Sendable {
    /// Latency buckets for HTTP requests, in seconds (the Prometheus client default set).
    static let httpBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Buckets for one PoGO verification job, in seconds: tens of milliseconds to ten minutes.
    static let verificationBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
    /// Buckets for one PoQ scoring call, in seconds: a millisecond to a minute.
    static let scoringBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    let registry: MetricsRegistry
    /// `http_requests_total{route,method,status}`.
    let httpRequests: Counter
    /// `http_request_duration_seconds{route,status}`.
    let httpRequestDuration: Histogram
    /// `pogo_jobs{state}`, refreshed from the store at each scrape.
    let jobs: Gauge
    /// `pogo_queue_depth`, refreshed from the store at each scrape.
    let queueDepth: Gauge
    /// `pogo_verification_duration_seconds`.
    let verificationDuration: Histogram
    /// `poq_scoring_duration_seconds`.
    let scoringDuration: Histogram
    /// `blas_core_info{core,source}`: 1 for the OpenBLAS kernels the process runs.
    let blasCore: Gauge

    init() throws(MetricsError) {
        let registry = MetricsRegistry()
        self.registry = registry
        httpRequests = try registry.counter("http_requests_total", help: "HTTP requests served, by route template, method and status code.",
                                            labels: ["route", "method", "status"])
        httpRequestDuration = try registry.histogram("http_request_duration_seconds",
                                                     help: "Time from request parsed to response written, in seconds.",
                                                     labels: ["route", "status"], buckets: Self.httpBuckets)
        jobs = try registry.gauge("pogo_jobs", help: "Jobs in the store, by state.", labels: ["state"])
        queueDepth = try registry.gauge("pogo_queue_depth", help: "Jobs queued and waiting for a worker.")
        verificationDuration = try registry.histogram("pogo_verification_duration_seconds",
                                                      help: "Time to verify one PoGO bundle, in seconds.",
                                                      buckets: Self.verificationBuckets)
        scoringDuration = try registry.histogram("poq_scoring_duration_seconds",
                                                 help: "Time to score one PoQ request, in seconds.", buckets: Self.scoringBuckets)
        blasCore = try registry.gauge("blas_core_info", help: "1 for the OpenBLAS kernels (core) the process runs and who chose them (source).",
                                      labels: ["core", "source"])
    }

    /// The values the `method` label takes besides `other`: the methods of RFC 9110 and PATCH
    /// (RFC 5789). Any other token a client sends counts as `other`, so clients cannot add series.
    static let methodLabels: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    /// The `method` label of a request: the method when it is a known one, else `other`.
    static func methodLabel(_ method: String) -> String { methodLabels.contains(method) ? method : "other" }

    /// Counts one served request and its duration. `route` must be a route template or `other`;
    /// `method` may be any token (see `methodLabel`).
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        httpRequests.increment([route, Self.methodLabel(method), String(status)])
        httpRequestDuration.observe(seconds, [route, String(status)])
    }

    /// Sets `pogo_jobs` for every state and `pogo_queue_depth` from the store; call before rendering
    /// a scrape. Throws the store's error, leaving the previous values in place.
    func refresh(from store: any JobStore) throws {
        let counts = try store.counts()
        let depth = try store.queueDepth()
        for state in JobStatus.allCases { jobs.set(Double(counts[state] ?? 0), [state.rawValue]) }
        queueDepth.set(Double(depth))
    }

    /// The scrape body; serve it with `PrometheusText.contentType`.
    func exposition() -> String { registry.exposition() }
}
