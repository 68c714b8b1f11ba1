internal import HTTPCore
internal import Verification

/// Everything `verifier serve` needs: addresses, paths, worker and lease settings, request
/// limits, verification tolerances and finalization defaults. Filled from flags and
/// environment variables by `ServiceConfiguration.parse` (flags win); docs/configuration.md
/// lists every setting.
struct ServiceConfiguration: Sendable {
    /// Address to listen on. Default "127.0.0.1".
    var host = "127.0.0.1"
    /// TCP port; 0 picks a free one. Default 8080.
    var port = 8080
    /// Folder of the SQLite store (and by default of the signing key). Default "./var".
    var dataDirectory = "./var"
    /// Free bytes the data folder's file system must keep for /readyz to answer ready.
    /// Default 268,435,456 (256 MiB: sixteen bundles at the largest size, with their WAL).
    var minimumFreeBytes = 256 << 20
    /// PEM file of the Ed25519 signing key; generated (mode 0600) when missing.
    /// Default nil, meaning `<dataDirectory>/signing-key.pem`.
    var keyFile: String?
    /// PEM file of the secp256k1 key that signs EIP-712 typed data; generated (mode 0600) when
    /// missing. Default nil, meaning `<dataDirectory>/secp256k1-signing-key.pem`.
    var eip712KeyFile: String?
    /// The EIP-712 domain's chain id, in 1...2^53 - 1. Default 1.
    var eip712ChainID: UInt64 = 1
    /// The EIP-712 domain's verifying contract. Default the zero address, which no contract
    /// has: signatures then verify off chain only, never in a deployed contract.
    var eip712VerifyingContract = EthereumAddress.zero
    /// Folder of the PoQ evaluator checkpoint. Default "./models/all-MiniLM-L6-v2".
    var modelDirectory = "./models/all-MiniLM-L6-v2"
    /// Folder of the data sets, indexed by SHA-256 at start. Default "./data".
    var datasetDirectory = "./data"
    /// Verification worker threads. Default: the processors of the container's CPU quota, else
    /// the online CPUs (`CPUQuota.available`).
    var workers = ServiceConfiguration.availableProcessors
    /// How long a worker's claim on a job lasts without a heartbeat. Default 30 s.
    var lease: Duration = .seconds(30)
    /// Claims a job gets before it is `failed`. Default 3.
    var maxAttempts = 3
    /// How long an idle worker waits before looking for work again. Default 200 ms.
    var pollInterval: Duration = .milliseconds(200)
    /// Test knob: how long a worker waits (heartbeating) after claiming a job, before verifying
    /// it, so tests can kill the process mid-job. Default 0.
    var workerStartDelay: Duration = .zero
    /// Largest bundle body in bytes; larger gets 413. Default 16,777,216 (16 MiB).
    var maxBundleBytes = 16 << 20
    /// Largest finalization request in bytes. Default 16,777,216 (16 MiB).
    var maxFinalizeBytes = 16 << 20
    /// Largest attestation verification request in bytes. Default 4,325,376 (4 MiB + 128 KiB).
    var maxVerifyBytes = (4 << 20) + (128 << 10)
    /// Outputs per PoQ request. Default 32 (`PoQLimits`).
    var poqMaxOutputs = PoQLimits().maxOutputs
    /// Characters (Unicode scalar values, what JSON Schema's maxLength counts) of the prompt and
    /// of each output. Default 4,096: at most 4 UTF-8 bytes each, so the evaluator's byte limit
    /// (`PoQLimits.maxTextBytes`, 16,384) is never the one that refuses.
    var poqMaxTextCharacters = PoQLimits().maxTextBytes / 4
    /// PoQ encoder workers (`PoQScheduler`), each running one batch at a time on one core.
    /// Default: `CPUQuota.available`.
    var poqWorkers = ServiceConfiguration.availableProcessors
    /// How long a PoQ worker with less than a full batch queued waits for more, from the
    /// oldest queued sequence's arrival. Default 2 ms; 0 never waits.
    var poqBatchWindow: Duration = .milliseconds(2)
    /// HTTP I/O threads, each an epoll loop accepting, parsing and answering cheap requests.
    /// Default: `CPUQuota.available`.
    var httpIOThreads = ServiceConfiguration.availableProcessors
    /// Threads of each kind of heavy work (`WorkKind`) without its own setting. Default: `CPUQuota.available`.
    var httpWorkerThreads = ServiceConfiguration.availableProcessors
    /// Requests of each kind of heavy work allowed to wait for one of its threads, for kinds
    /// without their own setting; more get 503. Default 64.
    var httpQueueCapacity = 64
    /// Threads of a kind of heavy work, where set; else `httpWorkerThreads`.
    var workKindThreads: [WorkKind: Int] = [:]
    /// Queue of a kind of heavy work, where set; else `httpQueueCapacity`.
    var workKindQueues: [WorkKind: Int] = [:]
    /// Open connections; at the cap the slowest idle or reading connection makes room, else 503.
    /// Default 10,000.
    var httpMaxConnections = 10_000
    /// Bytes of request bodies held at once by the whole process; a body that does not fit gets
    /// 503. Default 268,435,456 (256 MiB), at least the largest route limit.
    var httpBodyBudgetBytes = 256 << 20
    /// Time from a request's first byte to the end of its body; slower gets 408. Default 60 s.
    var httpRequestTimeout: Duration = .seconds(60)
    /// Minimum body rate in bytes per second after the grace period; slower gets 408; 0 turns it
    /// off. Default 16,384.
    var httpMinBodyRate = 16_384
    /// Time a body may take to start before the minimum rate applies. Default 5 s.
    var httpBodyGrace: Duration = .seconds(5)
    /// The PoGO verifier's counts and tolerances (`file://` artifacts off by default).
    var policy = VerificationPolicy()
    /// The folder `file://` artifacts must lie in; required when `policy.allowFileURIs` is set.
    /// Default nil.
    var artifactRoot: FileArtifactRoot?
    /// Bytes the full re-executions of this process may hold at once (`ReexecutionMemory`).
    /// Default nil, meaning the container's or machine's memory less 1 GiB (`MemoryLimit`).
    var reexecutionMemoryBytes: Int?
    /// Default PoGO confirmation threshold when a request names none; nil = exactly 2/3.
    var confirmThreshold: Double?
    /// Default PoGO slashing threshold when a request names none; nil = exactly 1/3.
    var slashThreshold: Double?
    /// Default PoQ outlier distance when a request names none. Default 0.1.
    var outlierDistance = FinalizationRequest.defaultOutlierDistance
    /// Default PoQ quorum (voting stake / total stake) when a request names none; nil = exactly 2/3.
    var quorum: Double?
    /// PostgreSQL connection URI (`postgres://user:password@host:port/database?...`), from
    /// `VERIFIER_DATABASE_URL` or the file `VERIFIER_DATABASE_URL_FILE` names (environment only:
    /// it may hold a password). Default nil: the SQLite store at `databasePath`.
    var databaseURL: String?
    /// Limits on fetching http(s) artifacts, from the `VERIFIER_FETCH_*` variables
    /// (docs/configuration-fetch.md).
    var fetch = FetchConfiguration()

    /// The signing key's path.
    var resolvedKeyFile: String { keyFile ?? dataDirectory + "/signing-key.pem" }
    /// The secp256k1 key's path.
    var resolvedEIP712KeyFile: String { eip712KeyFile ?? dataDirectory + "/secp256k1-signing-key.pem" }
    /// The EIP-712 domain these settings give.
    var eip712Domain: EIP712Domain { EIP712Domain(chainID: eip712ChainID, verifyingContract: eip712VerifyingContract) }
    /// The re-execution memory in bytes: the setting, else the default from the memory limit.
    var resolvedReexecutionMemoryBytes: Int {
        reexecutionMemoryBytes ?? MemoryLimit.defaultReexecutionBytes(limit: MemoryLimit.detect())
    }
    /// The SQLite database's path, used when `databaseURL` is nil.
    var databasePath: String { JobStoreSelection.sqlitePath(dataDirectory: dataDirectory) }

    /// The lease length and attempt limit of the job store.
    var leasePolicy: JobLeasePolicy { JobLeasePolicy(lease: lease, maxAttempts: maxAttempts) }

    /// The evaluator limits these settings give.
    var poqLimits: PoQLimits { PoQLimits(maxOutputs: poqMaxOutputs, maxTextBytes: 4 * poqMaxTextCharacters) }

    /// The HTTP server configuration: address, connection cap, body limits and budget, request
    /// deadlines, I/O threads and the threads and queue of each kind of heavy work.
    var httpConfiguration: HTTPServerConfiguration {
        HTTPServerConfiguration(host: host, port: port, maxConnections: httpMaxConnections,
                                maxBodyBytes: maxBodyBytes, bodyBudgetBytes: httpBodyBudgetBytes,
                                requestTimeout: httpRequestTimeout,
                                minBodyBytesPerSecond: httpMinBodyRate,
                                bodyRateGracePeriod: httpBodyGrace,
                                ioThreads: httpIOThreads, workerThreads: httpWorkerThreads,
                                workerQueueCapacity: httpQueueCapacity, workQueues: workQueues)
    }

    /// The threads and queue of each kind of heavy work. PoQ's handlers mostly wait for the
    /// scheduler's workers, so they default to at least 32 threads: 32 concurrent requests can
    /// then be batched together.
    var workQueues: [String: WorkQueueLimits] {
        Dictionary(uniqueKeysWithValues: WorkKind.allCases.map { kind in
            let threads = kind == .poq ? max(httpWorkerThreads, 32) : httpWorkerThreads
            return (kind.rawValue, WorkQueueLimits(threads: workKindThreads[kind] ?? threads,
                                                   capacity: workKindQueues[kind] ?? httpQueueCapacity))
        })
    }

    /// The PoQ scheduler's settings.
    var poqScheduler: PoQScheduler.Configuration {
        PoQScheduler.Configuration(workers: poqWorkers, window: poqBatchWindow)
    }

    /// The largest body any route accepts: the HTTP server's own limit.
    var maxBodyBytes: Int {
        max(maxBundleBytes, maxFinalizeBytes, maxVerifyBytes, poqRequestBytes)
    }

    /// Largest PoQ request body: every text at its limit, JSON-escaped (at most 12 bytes per
    /// character, a surrogate pair as two `\uXXXX`), plus 64 KiB of structure.
    var poqRequestBytes: Int { (poqMaxOutputs + 1) * poqMaxTextCharacters * 12 + (64 << 10) }

    /// The processors to size thread pools by: the container's CPU quota when there is one,
    /// else the online CPUs.
    static var availableProcessors: Int { CPUQuota.available }
}
