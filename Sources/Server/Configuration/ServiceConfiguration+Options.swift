internal import Foundation
internal import Verification

extension ServiceConfiguration {
    /// One setting: flag `--<name>`, environment variable `VERIFIER_<NAME>` (dashes as
    /// underscores, upper case), and how its text is applied.
    struct Option: Sendable {
        let name: String
        let apply: @Sendable (inout ServiceConfiguration, String) throws -> Void

        var flag: String { "--" + name }
        var environmentVariable: String { "VERIFIER_" + name.uppercased().replacingOccurrences(of: "-", with: "_") }
    }

    /// Every setting, in the order of docs/configuration.md.
    static let options: [Option] = [
        Option(name: "host") { $0.host = $1 },
        Option(name: "port") { $0.port = try integer($1, "port", 0...65_535) },
        Option(name: "data-dir") { $0.dataDirectory = $1 },
        Option(name: "min-free-bytes") { $0.minimumFreeBytes = try integer($1, "min-free-bytes", 0...(1 << 50)) },
        Option(name: "key-file") { $0.keyFile = $1 },
        Option(name: "eip712-key-file") { $0.eip712KeyFile = $1 },
        Option(name: "eip712-chain-id") {
            guard let value = UInt64($1), (1...EIP712Domain.maxChainID).contains(value) else {
                throw UsageError("eip712-chain-id must be an integer in 1...\(EIP712Domain.maxChainID), got \"\($1)\"")
            }
            $0.eip712ChainID = value
        },
        Option(name: "eip712-verifying-contract") {
            guard let address = EthereumAddress(text: $1) else {
                throw UsageError("eip712-verifying-contract must be 0x and 40 hex digits (mixed case only with a valid "
                                 + "EIP-55 checksum), got \"\($1)\"")
            }
            $0.eip712VerifyingContract = address
        },
        Option(name: "model-dir") { $0.modelDirectory = $1 },
        Option(name: "dataset-dir") { $0.datasetDirectory = $1 },
        Option(name: "workers") { $0.workers = try integer($1, "workers", 0...1_024) },
        Option(name: "lease-seconds") { $0.lease = .seconds(try number($1, "lease-seconds", 0.1...86_400)) },
        Option(name: "max-attempts") { $0.maxAttempts = try integer($1, "max-attempts", 1...100) },
        Option(name: "poll-interval-ms") { $0.pollInterval = try milliseconds($1, "poll-interval-ms", 1...60_000) },
        Option(name: "worker-start-delay-ms") {
            $0.workerStartDelay = try milliseconds($1, "worker-start-delay-ms", 0...3_600_000)
        },
        Option(name: "allow-file-artifacts") { $0.policy.allowFileURIs = try boolean($1, "allow-file-artifacts") },
        Option(name: "artifact-root") {
            do { $0.artifactRoot = try FileArtifactRoot(path: $1) } catch { throw UsageError("artifact-root: \(error)") }
        },
        Option(name: "max-bundle-bytes") { $0.maxBundleBytes = try integer($1, "max-bundle-bytes", 1_024...(1 << 30)) },
        Option(name: "max-finalize-bytes") { $0.maxFinalizeBytes = try integer($1, "max-finalize-bytes", 1_024...(1 << 30)) },
        Option(name: "max-verify-bytes") { $0.maxVerifyBytes = try integer($1, "max-verify-bytes", 1_024...(1 << 30)) },
        Option(name: "poq-max-outputs") { $0.poqMaxOutputs = try integer($1, "poq-max-outputs", 1...1_024) },
        Option(name: "poq-max-text-chars") { $0.poqMaxTextCharacters = try integer($1, "poq-max-text-chars", 1...(1 << 18)) },
        Option(name: "poq-workers") { $0.poqWorkers = try integer($1, "poq-workers", 1...1_024) },
        Option(name: "poq-batch-window-ms") { $0.poqBatchWindow = try milliseconds($1, "poq-batch-window-ms", 0...1_000) },
        Option(name: "http-io-threads") { $0.httpIOThreads = try integer($1, "http-io-threads", 1...256) },
        Option(name: "http-threads") { $0.httpWorkerThreads = try integer($1, "http-threads", 1...1_024) },
        Option(name: "http-queue") { $0.httpQueueCapacity = try integer($1, "http-queue", 0...100_000) },
    ] + WorkKind.allCases.flatMap { kind in [
        Option(name: "http-\(kind.rawValue)-threads") {
            $0.workKindThreads[kind] = try integer($1, "http-\(kind.rawValue)-threads", 1...1_024)
        },
        Option(name: "http-\(kind.rawValue)-queue") {
            $0.workKindQueues[kind] = try integer($1, "http-\(kind.rawValue)-queue", 0...100_000)
        },
    ] } + [
        Option(name: "http-max-connections") { $0.httpMaxConnections = try integer($1, "http-max-connections", 1...1_000_000) },
        Option(name: "http-body-budget-bytes") {
            $0.httpBodyBudgetBytes = try integer($1, "http-body-budget-bytes", (1 << 20)...(1 << 40))
        },
        Option(name: "http-request-timeout-ms") {
            $0.httpRequestTimeout = try milliseconds($1, "http-request-timeout-ms", 100...3_600_000)
        },
        Option(name: "http-min-body-rate") { $0.httpMinBodyRate = try integer($1, "http-min-body-rate", 0...(1 << 30)) },
        Option(name: "http-body-grace-ms") { $0.httpBodyGrace = try milliseconds($1, "http-body-grace-ms", 0...3_600_000) },
        Option(name: "challenged-steps") { $0.policy.challengedSteps = try integer($1, "challenged-steps", 1...1_000) },
        Option(name: "challenged-leaves") { $0.policy.challengedLeaves = try integer($1, "challenged-leaves", 1...1_000_000) },
        Option(name: "loss-tolerance") { $0.policy.lossRelativeTolerance = Float(try number($1, "loss-tolerance", 0...1)) },
        Option(name: "max-code-mismatch") { $0.policy.maxCodeMismatchFraction = try number($1, "max-code-mismatch", 0...1) },
        Option(name: "max-boundary-distance") { $0.policy.maxBoundaryDistance = try number($1, "max-boundary-distance", 0...1) },
        Option(name: "scale-tolerance") { $0.policy.scaleRelativeTolerance = Float(try number($1, "scale-tolerance", 0...1)) },
        Option(name: "noise-floor") { $0.policy.noiseFloor = Float(try number($1, "noise-floor", 0...1)) },
        Option(name: "progress-margin") { $0.policy.progressMargin = Float(try number($1, "progress-margin", 0...1)) },
        Option(name: "max-artifact-file-bytes") {
            $0.policy.maxArtifactFileBytes = try integer($1, "max-artifact-file-bytes", 1...(1 << 40))
        },
        Option(name: "max-reexecuted-parameters") {
            $0.policy.maxReexecutedParameters = try integer($1, "max-reexecuted-parameters", 1...(1 << 40))
        },
        Option(name: "activation-budget-bytes") {
            $0.policy.activationBudgetBytes = try integer($1, "activation-budget-bytes", (1 << 20)...(1 << 40))
        },
        Option(name: "reexecution-memory-bytes") {
            $0.reexecutionMemoryBytes = try integer($1, "reexecution-memory-bytes", (64 << 20)...(1 << 44))
        },
        Option(name: "confirm-threshold") { $0.confirmThreshold = try threshold($1, "confirm-threshold") },
        Option(name: "slash-threshold") { $0.slashThreshold = try threshold($1, "slash-threshold") },
        Option(name: "outlier-distance") { $0.outlierDistance = try number($1, "outlier-distance", 0...1) },
        Option(name: "quorum") { $0.quorum = try threshold($1, "quorum") },
    ]

    /// The configuration from `arguments` (flags), then `environment`, then the defaults.
    /// A malformed or out-of-range value is a `UsageError` naming the setting; a database URL
    /// that cannot be read (both variables set, an unreadable or oversized file) is a
    /// `DatabaseURLError`.
    static func parse(_ arguments: [String], environment: [String: String]) throws -> ServiceConfiguration {
        let args = try ArgumentScanner(arguments, valued: Set(options.map(\.flag)))
        guard args.positionals.isEmpty else { throw UsageError("serve takes no positional arguments") }
        var configuration = ServiceConfiguration()
        for option in options {
            guard let text = args.value(option.flag) ?? environment[option.environmentVariable] else { continue }
            try option.apply(&configuration, text)
        }
        configuration.databaseURL = try JobStoreSelection.databaseURL(environment: environment)
        do {
            configuration.fetch = try FetchConfiguration(environment: environment)
        } catch {
            throw UsageError("\(error)")
        }
        guard !configuration.policy.allowFileURIs || configuration.artifactRoot != nil else {
            throw UsageError("allow-file-artifacts needs artifact-root: the folder file:// artifacts must lie in")
        }
        guard configuration.httpBodyBudgetBytes >= configuration.maxBodyBytes else {
            throw UsageError("http-body-budget-bytes (\(configuration.httpBodyBudgetBytes)) must be at least the largest "
                             + "request body a route accepts (\(configuration.maxBodyBytes))")
        }
        return configuration
    }

    private static func integer(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// A whole number of milliseconds in `range`, as the `Duration` the service holds.
    private static func milliseconds(_ text: String, _ name: String, _ range: ClosedRange<Int>) throws -> Duration {
        .milliseconds(try integer(text, name, range))
    }

    private static func number(_ text: String, _ name: String, _ range: ClosedRange<Double>) throws -> Double {
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw UsageError("\(name) must be a number in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    private static func boolean(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw UsageError("\(name) must be true or false, got \"\(text)\"")
        }
    }

    private static func threshold(_ text: String, _ name: String) throws -> Double {
        guard let value = Double(text), StakeThreshold(value) != nil else {
            throw UsageError("\(name) must be a number in (0, 1], got \"\(text)\"")
        }
        return value
    }
}
