import HTTPCore
import Testing
import Verification
@testable import Server
import Verification

struct ServiceConfigurationTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let c = try ServiceConfiguration.parse([], environment: [:])
        #expect(c.dataDirectory == "./var" && c.resolvedKeyFile == "./var/signing-key.pem")
        #expect(c.modelDirectory == "./models/all-MiniLM-L6-v2" && c.datasetDirectory == "./data")
        #expect(c.workers == ServiceConfiguration.availableProcessors && c.lease == .seconds(30) && c.maxAttempts == 3)
        #expect(c.policy.allowFileURIs == false && c.maxBundleBytes == 16 << 20)
        #expect(c.confirmThreshold == nil && c.slashThreshold == nil && c.outlierDistance == 0.1 && c.quorum == nil)
        #expect(c.policy.maxBoundaryDistance == 0.05 && c.policy.maxCodeMismatchFraction == 0.015 && c.policy.scaleRelativeTolerance == 0.007)
        #expect(c.policy.maxReexecutedParameters == 180_000_000 && c.policy.activationBudgetBytes == 3 << 29)
        #expect(c.reexecutionMemoryBytes == nil && c.resolvedReexecutionMemoryBytes >= 256 << 20)
    }

    @Test func everyOptionHasAFlagAndAnEnvironmentVariable() throws {
        let names = ServiceConfiguration.options.map(\.environmentVariable)
        #expect(Set(names).count == names.count)
        #expect(names.contains("VERIFIER_ALLOW_FILE_ARTIFACTS") && names.contains("VERIFIER_WORKER_START_DELAY_MS"))
        let env = ["VERIFIER_WORKERS": "3", "VERIFIER_KEY_FILE": "/k.pem", "VERIFIER_ALLOW_FILE_ARTIFACTS": "true",
                   "VERIFIER_ARTIFACT_ROOT": "/tmp/", "VERIFIER_CHALLENGED_STEPS": "4", "VERIFIER_CONFIRM_THRESHOLD": "0.75"]
        let c = try ServiceConfiguration.parse(["--workers", "5"], environment: env)
        #expect(c.workers == 5 && c.resolvedKeyFile == "/k.pem" && c.policy.allowFileURIs && c.artifactRoot?.path == "/tmp")
        #expect(c.policy.challengedSteps == 4 && c.confirmThreshold == 0.75)
    }

    @Test(arguments: [
        ("VERIFIER_WORKERS", "-1"), ("VERIFIER_LEASE_SECONDS", "0"), ("VERIFIER_MAX_ATTEMPTS", "0"),
        ("VERIFIER_CONFIRM_THRESHOLD", "1.5"), ("VERIFIER_SLASH_THRESHOLD", "0"), ("VERIFIER_ALLOW_FILE_ARTIFACTS", "maybe"),
        ("VERIFIER_OUTLIER_DISTANCE", "2"), ("VERIFIER_MAX_BUNDLE_BYTES", "1023"), ("VERIFIER_HTTP_IO_THREADS", "0"),
        ("VERIFIER_QUORUM", "0"), ("VERIFIER_QUORUM", "1.01"), ("VERIFIER_MAX_BOUNDARY_DISTANCE", "1.01"),
        ("VERIFIER_MAX_BOUNDARY_DISTANCE", "-0.01"), ("VERIFIER_MAX_CODE_MISMATCH", "1.01"),
        ("VERIFIER_ACTIVATION_BUDGET_BYTES", "1048575"), ("VERIFIER_REEXECUTION_MEMORY_BYTES", "67108863"),
        ("VERIFIER_MIN_FREE_BYTES", "-1"), ("VERIFIER_MIN_FREE_BYTES", "1125899906842625"),
        ("VERIFIER_ARTIFACT_ROOT", "/nonexistent-artifact-root"), ("VERIFIER_ARTIFACT_ROOT", "/etc/hostname"),
        ("VERIFIER_HTTP_MAX_CONNECTIONS", "0"), ("VERIFIER_HTTP_BODY_BUDGET_BYTES", "1048575"),
        ("VERIFIER_HTTP_REQUEST_TIMEOUT_MS", "99"), ("VERIFIER_HTTP_MIN_BODY_RATE", "-1"), ("VERIFIER_HTTP_BODY_GRACE_MS", "-1"),
        ("VERIFIER_HTTP_POQ_THREADS", "0"), ("VERIFIER_HTTP_BUNDLES_QUEUE", "-1"), ("VERIFIER_HTTP_VERIFY_THREADS", "1025"),
        ("VERIFIER_HTTP_FINALIZE_QUEUE", "100001"), ("VERIFIER_HTTP_POLLS_THREADS", "0"),
        ("VERIFIER_POQ_WORKERS", "0"), ("VERIFIER_POQ_WORKERS", "1025"), ("VERIFIER_POQ_BATCH_WINDOW_MS", "-1"),
        ("VERIFIER_POQ_BATCH_WINDOW_MS", "1001"),
    ])
    func refusesOutOfRangeValues(_ variable: String, _ value: String) {
        #expect(throws: UsageError.self) { try ServiceConfiguration.parse([], environment: [variable: value]) }
    }

    /// Issue 13: with file artifacts allowed there was no root folder, so a bundle could name
    /// any file the service could read.
    @Test func fileArtifactsNeedARoot() throws {
        #expect(throws: UsageError.self) { try ServiceConfiguration.parse([], environment: ["VERIFIER_ALLOW_FILE_ARTIFACTS": "true"]) }
        let rootOnly = try ServiceConfiguration.parse(["--artifact-root", "/tmp"], environment: [:])
        #expect(!rootOnly.policy.allowFileURIs && rootOnly.artifactRoot != nil)
    }

    @Test func eip712SettingsHaveTheDocumentedDefaultsAndBounds() throws {
        let defaults = try ServiceConfiguration.parse([], environment: [:])
        #expect(defaults.resolvedEIP712KeyFile == "./var/secp256k1-signing-key.pem")
        #expect(defaults.eip712Domain == EIP712Domain(chainID: 1, verifyingContract: .zero))
        let maxChain = try ServiceConfiguration.parse(["--eip712-chain-id", "9007199254740991"], environment: [:])
        #expect(maxChain.eip712ChainID == (1 << 53) - 1)
        let env = ["VERIFIER_EIP712_KEY_FILE": "/keys/eth.pem", "VERIFIER_EIP712_CHAIN_ID": "1",
                   "VERIFIER_EIP712_VERIFYING_CONTRACT": "0x5fbdb2315678afecb367f032d93f642f64180aa3"]
        let set = try ServiceConfiguration.parse([], environment: env)
        #expect(set.resolvedEIP712KeyFile == "/keys/eth.pem" && set.eip712ChainID == 1)
        #expect(set.eip712VerifyingContract.checksummed == "0x5FbDB2315678afecb367f032d93F642f64180aa3")
        for refused in [["--eip712-chain-id", "0"], ["--eip712-chain-id", "9007199254740992"], ["--eip712-chain-id", "0x1"],
                        // The EIP-55 address with one letter's case flipped: a typo, not an address.
                        ["--eip712-verifying-contract", "0x5FbDB2315678afecb367f032d93F642f64180aA3"],
                        ["--eip712-verifying-contract", "0x5fbdb2315678afecb367f032d93f642f64180a"],
                        ["--eip712-verifying-contract", "5fbdb2315678afecb367f032d93f642f64180aa3"]] {
            #expect(throws: UsageError.self, "\(refused)") { try ServiceConfiguration.parse(refused, environment: [:]) }
        }
    }

    @Test func minimumFreeBytesAcceptsItsBounds() throws {
        #expect(try ServiceConfiguration.parse([], environment: [:]).minimumFreeBytes == 256 << 20)
        #expect(try ServiceConfiguration.parse(["--min-free-bytes", "0"], environment: [:]).minimumFreeBytes == 0)
        #expect(try ServiceConfiguration.parse([], environment: ["VERIFIER_MIN_FREE_BYTES": "1125899906842624"]).minimumFreeBytes == 1 << 50)
    }

    @Test func setsHTTPIOThreads() throws {
        #expect(try ServiceConfiguration.parse(["--http-io-threads", "1"], environment: [:]).httpIOThreads == 1)
        #expect(try ServiceConfiguration.parse([], environment: ["VERIFIER_HTTP_IO_THREADS": "3"]).httpIOThreads == 3)
        #expect(try ServiceConfiguration.parse([], environment: [:]).httpIOThreads == ServiceConfiguration.availableProcessors)
    }

    @Test func givesEveryKindOfHeavyWorkItsOwnThreadsAndQueue() throws {
        let c = try ServiceConfiguration.parse(["--http-poq-threads", "1", "--http-poq-queue", "0"],
                                               environment: ["VERIFIER_HTTP_THREADS": "3", "VERIFIER_HTTP_QUEUE": "9",
                                                             "VERIFIER_HTTP_BUNDLES_QUEUE": "100000", "VERIFIER_HTTP_VERIFY_THREADS": "1024"])
        #expect(c.workQueues["poq"] == WorkQueueLimits(threads: 1, capacity: 0))
        #expect(c.workQueues["bundles"] == WorkQueueLimits(threads: 3, capacity: 100_000))
        #expect(c.workQueues["verify"] == WorkQueueLimits(threads: 1_024, capacity: 9))
        #expect(c.workQueues["finalize"] == WorkQueueLimits(threads: 3, capacity: 9))
        #expect(c.workQueues["polls"] == WorkQueueLimits(threads: 3, capacity: 9))
        #expect(Set(c.workQueues.keys) == ["bundles", "polls", "poq", "verify", "finalize"])
    }

    @Test func poqSchedulerHasTheDocumentedDefaultsAndBounds() throws {
        let c = try ServiceConfiguration.parse([], environment: [:])
        #expect(c.poqScheduler == PoQScheduler.Configuration(workers: ServiceConfiguration.availableProcessors, window: .milliseconds(2)))
        // PoQ handler threads wait for the workers: at least 32, so 32 calls can share batches.
        #expect(c.workQueues["poq"]?.threads == max(32, ServiceConfiguration.availableProcessors))
        let bounds = try ServiceConfiguration.parse(["--poq-workers", "1", "--poq-batch-window-ms", "0"], environment: [:])
        #expect(bounds.poqScheduler == PoQScheduler.Configuration(workers: 1, window: .zero))
        let top = try ServiceConfiguration.parse([], environment: ["VERIFIER_POQ_WORKERS": "1024", "VERIFIER_POQ_BATCH_WINDOW_MS": "1000"])
        #expect(top.poqScheduler == PoQScheduler.Configuration(workers: 1_024, window: .seconds(1)))
    }

    @Test func httpDeadlinesAndBudgetHaveTheDocumentedDefaultsAndBounds() throws {
        let d = try ServiceConfiguration.parse([], environment: [:]).httpConfiguration
        #expect(d.maxConnections == 10_000 && d.bodyBudgetBytes == 256 << 20 && d.requestTimeout == .seconds(60))
        #expect(d.minBodyBytesPerSecond == 16_384 && d.bodyRateGracePeriod == .seconds(5))
        let low = try ServiceConfiguration.parse([], environment: [
            "VERIFIER_HTTP_MAX_CONNECTIONS": "1", "VERIFIER_HTTP_REQUEST_TIMEOUT_MS": "100", "VERIFIER_HTTP_MIN_BODY_RATE": "0",
            "VERIFIER_HTTP_BODY_GRACE_MS": "0",
        ]).httpConfiguration
        #expect(low.maxConnections == 1 && low.requestTimeout == .milliseconds(100))
        #expect(low.minBodyBytesPerSecond == 0 && low.bodyRateGracePeriod == .zero)
    }

    @Test func bodyBudgetMustHoldTheLargestRouteBody() throws {
        let largest = try ServiceConfiguration.parse([], environment: [:]).maxBodyBytes
        let fits = try ServiceConfiguration.parse(["--http-body-budget-bytes", String(largest)], environment: [:])
        #expect(fits.httpBodyBudgetBytes == largest)
        #expect(throws: UsageError.self) {
            try ServiceConfiguration.parse(["--http-body-budget-bytes", String(largest - 1)], environment: [:])
        }
    }

    @Test func limitsAcceptTheirBounds() throws {
        let c = try ServiceConfiguration.parse([], environment: ["VERIFIER_MAX_BUNDLE_BYTES": "1024", "VERIFIER_MAX_ATTEMPTS": "1"])
        #expect(c.maxBundleBytes == 1024 && c.maxAttempts == 1)
        #expect(try ServiceConfiguration.parse([], environment: ["VERIFIER_MAX_BOUNDARY_DISTANCE": "1"]).policy.maxBoundaryDistance == 1)
        #expect(try ServiceConfiguration.parse(["--max-boundary-distance", "0"], environment: [:]).policy.maxBoundaryDistance == 0)
    }

    @Test func memorySettingsAcceptTheirLowerBounds() throws {
        let c = try ServiceConfiguration.parse(["--activation-budget-bytes", "1048576"],
                                               environment: ["VERIFIER_REEXECUTION_MEMORY_BYTES": "67108864"])
        #expect(c.policy.activationBudgetBytes == 1 << 20 && c.reexecutionMemoryBytes == 64 << 20)
        #expect(c.resolvedReexecutionMemoryBytes == 64 << 20)
    }

    @Test func memoryLimitIsTheSmallestOfCgroupAndMachine() {
        let meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\n"
        #expect(MemoryLimit.limit(cgroupV2: "2147483648\n", cgroupV1: nil, meminfo: meminfo) == 2 << 30)
        #expect(MemoryLimit.limit(cgroupV2: "max\n", cgroupV1: nil, meminfo: meminfo) == 24_576_000 * 1024)
        // cgroup v1 writes a huge number for "no limit".
        #expect(MemoryLimit.limit(cgroupV2: nil, cgroupV1: "9223372036854771712\n", meminfo: meminfo) == 24_576_000 * 1024)
        #expect(MemoryLimit.limit(cgroupV2: nil, cgroupV1: "1073741824", meminfo: nil) == 1 << 30)
        #expect(MemoryLimit.limit(cgroupV2: nil, cgroupV1: nil, meminfo: nil) == nil)
        #expect(MemoryLimit.defaultReexecutionBytes(limit: 2 << 30) == 1 << 30)
        #expect(MemoryLimit.defaultReexecutionBytes(limit: 1 << 30) == 256 << 20)
        #expect(MemoryLimit.defaultReexecutionBytes(limit: nil) == 7 << 30)
    }
}
