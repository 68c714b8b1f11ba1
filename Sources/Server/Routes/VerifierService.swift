internal import CLinux
internal import Foundation
internal import HTTPCore
internal import Verification

/// The verification service: the store, signing key, PoGO verifier, PoQ evaluator, metrics
/// and workers, wired to the HTTP routes. Every piece of job state lives in the store, so any
/// number of processes may serve one database and a killed one loses nothing.
final class VerifierService: Sendable {
    let configuration: ServiceConfiguration
    let log: StderrLog
    let metrics: ServiceMetrics
    /// The Ed25519 and secp256k1 signing keys and the EIP-712 domain.
    let signingKeys: ServiceKeys
    let verifier: PoGOVerifier
    /// The PoQ evaluator behind its scheduler, or nil when the model could not be loaded
    /// (readyz reports it).
    let scheduler: PoQScheduler?
    /// Submissions (writes that fsync) use their own connection, so polls never wait for them.
    let submitStore: any JobStore
    /// Polls: short reads, on the worker pool.
    let readStore: any JobStore
    /// The store and disk checks behind /readyz and the job gauges, off the I/O threads.
    let monitor: ReadinessMonitor
    let workers: VerificationWorkers
    let bundleLimits = ProofBundleLimits()

    /// Opens the service's stores with `openStore` when given (tests), else from the
    /// configuration (PostgreSQL when it has a database URL, else SQLite in the data folder).
    init(configuration: ServiceConfiguration, log: StderrLog,
         openStore: (@Sendable (JobLeasePolicy) throws -> any JobStore)? = nil) throws {
        self.configuration = configuration
        self.log = log
        // Work runs concurrently on every core; several BLAS threads per call would fight for them.
        setBLASThreadCount(1)
        // Request bodies (up to the body budget) come and go by the megabyte. glibc's default
        // threshold for serving an allocation with its own mmap grows to 32 MiB as large blocks
        // are freed, after which they stay in the heap and arenas once freed: RSS would stay at
        // its peak. A fixed threshold keeps every block of 1 MiB or more its own mapping, given
        // back to the system when freed.
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        try PrivateFiles.createFolder(configuration.dataDirectory)
        metrics = try ServiceMetrics()
        let blas = BLASCoreStartup.status
        metrics.blasCore.set(1, [blas.core, "\(blas.source)"])
        var replaced = "none"
        if case let .corrected(from) = blas.source { replaced = from }
        log.event("blas_core", ["core": blas.core, "source": "\(blas.source)", "replaced": replaced, "wanted": blas.wanted ?? "none",
                                "cpu": "\(blas.cpu.vectorClass)", "kernels": "\(KernelLevel.current)", "vendor": blas.cpu.vendor, "family": String(blas.cpu.family),
                                "model": String(blas.cpu.model)])
        let (key, generated) = try SigningKeyLoader.loadOrGenerate(path: configuration.resolvedKeyFile)
        log.event(generated ? "key_generated" : "key_loaded",
                  ["key_id": key.keyID, "path": configuration.resolvedKeyFile])
        let (eip712Key, eip712Generated) = try SigningKeyLoader.loadOrGenerateSecp256k1(path: configuration.resolvedEIP712KeyFile)
        let domain = configuration.eip712Domain
        log.event(eip712Generated ? "eip712_key_generated" : "eip712_key_loaded",
                  ["address": eip712Key.address.checksummed, "path": configuration.resolvedEIP712KeyFile,
                   "chain_id": String(domain.chainID), "verifying_contract": domain.verifyingContract.checksummed])
        signingKeys = ServiceKeys(ed25519: key, secp256k1: eip712Key, domain: domain)
        let datasets = try DatasetResolver.indexing(directory: configuration.datasetDirectory)
        log.event("datasets_indexed", ["directory": configuration.datasetDirectory])
        let memory = ReexecutionMemory(capacityBytes: configuration.resolvedReexecutionMemoryBytes)
        log.event("reexecution_memory", ["bytes": String(memory.capacityBytes),
                                         "max_reexecuted_parameters": String(configuration.policy.maxReexecutedParameters)])
        // The poller reads a fetch error's category; the log keeps the address it resolved to.
        let source = URLArtifactSource(configuration: configuration.fetch) { uri, error in
            log.event("artifact_fetch_failed", ["uri": uri, "error": error.detail])
        }
        verifier = PoGOVerifier(policy: configuration.policy, datasets: datasets, source: source,
                                fileRoot: configuration.artifactRoot, memory: memory)
        do {
            let evaluator = try PoQEvaluator(directory: configuration.modelDirectory, limits: configuration.poqLimits)
            log.event("model_loaded", ["directory": configuration.modelDirectory, "identity": evaluator.identity.description,
                                        "workers": String(configuration.poqWorkers),
                                        "batch_window_ms": String(configuration.poqBatchWindow.wholeMilliseconds)])
            scheduler = PoQScheduler(evaluator: evaluator, configuration: configuration.poqScheduler)
        } catch {
            log.event("model_unavailable", ["directory": configuration.modelDirectory, "error": "\(error)"])
            scheduler = nil
        }
        let policy = configuration.leasePolicy
        let open = {
            try openStore?(policy)
                ?? makeJobStore(databaseURL: configuration.databaseURL, sqlitePath: configuration.databasePath, policy: policy)
        }
        submitStore = try open()
        readStore = try open()
        let workerStore = try open()
        monitor = ReadinessMonitor(store: try open(), dataDirectory: configuration.dataDirectory,
                                   minimumFreeBytes: configuration.minimumFreeBytes, metrics: metrics, log: log)
        // One round now, so /readyz is exact from the first request.
        monitor.check()
        // The URL may carry a password, so only the kind of store is logged.
        log.event("store_opened", ["store": configuration.databaseURL == nil ? configuration.databasePath : "postgresql",
                                   "lease_seconds": "\(policy.lease / .seconds(1))", "max_attempts": String(policy.maxAttempts)])
        workers = VerificationWorkers(
            count: configuration.workers, store: workerStore, verifier: verifier, keys: signingKeys, log: log, metrics: metrics,
            lease: configuration.lease, pollInterval: configuration.pollInterval, startDelay: configuration.workerStartDelay)
    }

    /// Every route. Inline handlers never touch the store or the disk: health, keys, and
    /// readiness and metrics from the monitor's latest results. Anything that reads the store,
    /// parses, fsyncs, scores or checks signatures runs on the pool of its kind of work (503 +
    /// Retry-After when that kind's queue is full). Each route reads a body only up to its own
    /// limit (413 before reading past it) and only as JSON (415 for another Content-Type; none
    /// is read as JSON); the GET routes take none.
    func router() -> Router {
        var router = Router()
        router.get("/healthz") { _ in Self.health }
        router.get("/readyz") { [self] _ in readiness() }
        router.get("/metrics") { [self] _ in scrape() }
        router.get("/v1/keys") { [self] _ in try keys() }
        router.post("/v1/pogo/bundles", cost: WorkKind.bundles.cost, maxBodyBytes: configuration.maxBundleBytes,
                    accepts: .json) { [self] request in
            try submitBundle(request)
        }
        router.get("/v1/pogo/bundles/{id}", cost: WorkKind.polls.cost) { [self] request in try bundleStatus(request) }
        router.post("/v1/poq/scores", cost: WorkKind.poq.cost, maxBodyBytes: configuration.poqRequestBytes,
                    accepts: .json) { [self] request in
            try score(request)
        }
        router.post("/v1/attestations/verify", cost: WorkKind.verify.cost, maxBodyBytes: configuration.maxVerifyBytes,
                    accepts: .json) { [self] request in
            try verifyAttestation(request)
        }
        router.post("/v1/finalize", cost: WorkKind.finalize.cost, maxBodyBytes: configuration.maxFinalizeBytes,
                    accepts: .json) { [self] request in
            try finalize(request)
        }
        return router
    }

    /// A logger that writes the request line and counts the request in the metrics.
    var httpLogger: HTTPLogger {
        let write = log.httpLogger
        return { [metrics] event in
            if case let .request(method, _, route, status, duration) = event {
                metrics.recordRequest(route: route ?? "other", method: method, status: status, seconds: duration / .seconds(1))
            }
            write(event)
        }
    }

    /// Runs until SIGTERM or SIGINT: workers start first, then the listener; on the signal the
    /// HTTP side drains, the PoQ workers stop after their current batch, and the verification
    /// workers stop after their current job (or give it up to its lease).
    func run() throws {
        workers.start()
        monitor.start()
        let server = HTTPServer(configuration: configuration.httpConfiguration, router: router(), logger: httpLogger)
        try server.runUntilSignalled()
        scheduler?.stop()
        monitor.stop()
        workers.stop(waitingAtMost: .seconds(5))
        log.flush()
    }

    /// The Ed25519 key, which signs the DSSE envelopes.
    var key: SigningKey { signingKeys.ed25519 }

    // Encoded once: the liveness probe is the hottest and cheapest route.
    private static let health = HTTPResponse.json(bytes: Array(#"{"status":"ok"}"#.utf8))
}
