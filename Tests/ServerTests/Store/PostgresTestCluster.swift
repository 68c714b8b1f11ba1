import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Server

/// The PostgreSQL server the tests run against, and throwaway clusters for outage tests.
///
/// `VERIFIER_TEST_DATABASE_URL` names an existing database to use. When it is unset, the first
/// test that needs PostgreSQL starts a cluster for this test process with
/// scripts/pg-test-cluster (installing PostgreSQL from apt if missing) and stops it at exit, so
/// both `swift test` and scripts/test really run the PostgreSQL tests. If that fails, the tests
/// fail with the script's message; they never pass silently.
enum PostgresTestCluster {
    static let environmentVariable = "VERIFIER_TEST_DATABASE_URL"

    static let script = Repository.path("scripts/pg-test-cluster")

    /// A cluster this process starts when no URL is given; under /tmp so the `postgres` user
    /// can reach it when the tests run as root.
    static let ownDirectory = "/tmp/verifier-pg-test-\(getpid())-\(UUID().uuidString.prefix(8))"

    enum ClusterError: Error, CustomStringConvertible {
        case scriptFailed(arguments: [String], status: Int32, output: String)

        var description: String {
            switch self {
            case .scriptFailed(let arguments, let status, let output):
                return """
                    PostgreSQL tests need a server: set \(PostgresTestCluster.environmentVariable)=postgres://... \
                    or let scripts/pg-test-cluster start one. `pg-test-cluster \(arguments.joined(separator: " "))` \
                    exited with \(status): \(output)
                    """
            }
        }
    }

    /// The shared server's URL, resolved once per process.
    static let shared: Result<String, ClusterError> = {
        if let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty {
            // Someone else's database: leave it as found.
            atexit { PostgresTestCluster.dropCreatedSchemas() }
            return .success(url)
        }
        do {
            let url = try start(directory: ownDirectory)
            atexit { _ = try? PostgresTestCluster.run(["stop", PostgresTestCluster.ownDirectory]) }
            return .success(url)
        } catch let error as ClusterError {
            return .failure(error)
        } catch {
            return .failure(.scriptFailed(arguments: ["start"], status: -1, output: "\(error)"))
        }
    }()

    /// A URL on the shared server whose `search_path` is a new, empty schema: a fresh backing
    /// that tests running in parallel do not see.
    static func freshSchemaURL() throws -> String {
        let url = try shared.get()
        let schema = "jobs_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try PostgresConnection(url: url).executeScript("CREATE SCHEMA \(schema)")
        createdSchemas.withLock { $0.append(schema) }
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// The schemas `freshSchemaURL` made on the shared server.
    static let createdSchemas = Mutex<[String]>([])

    static func dropCreatedSchemas() {
        guard case .success(let url) = shared, let connection = try? PostgresConnection(url: url) else { return }
        for schema in createdSchemas.withLock({ $0 }) {
            try? connection.executeScript("DROP SCHEMA \(schema) CASCADE")
        }
    }

    /// Starts a new cluster in `directory` and returns its URL.
    static func start(directory: String) throws -> String {
        try run(["start", directory])
    }

    /// Runs the script with `arguments`; returns its standard output without the final newline.
    ///
    /// Uses posix_spawn and waitpid rather than Foundation's Process, whose `waitUntilExit`
    /// was seen never to return here when called inside a lazily initialised static.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pg-test-cluster-\(UUID().uuidString)")
        let stdoutPath = scratch.path + ".out"
        let stderrPath = scratch.path + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = (["/bin/bash", script] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw ClusterError.scriptFailed(arguments: arguments, status: -1, output: "posix_spawn: errno \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        // Exit status per POSIX: low 7 bits are the terminating signal, the next 8 the exit code.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            throw ClusterError.scriptFailed(arguments: arguments, status: exitCode, output: stderr)
        }
        return stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension JobStoreFactory {
    /// PostgreSQL stores on a fresh schema of the shared test server, timed by the test clock.
    static let postgres = JobStoreFactory(name: "postgres") {
        let url = try PostgresTestCluster.freshSchemaURL()
        return JobStoreBacking { policy, clock in
            try PostgresJobStore(url: url, policy: policy, clock: .local(clock.source))
        }
    }
}
