internal import Foundation
internal import HTTPCore

/// `verifier serve`: runs the HTTP service until SIGTERM or SIGINT, then stops gracefully (exit 0).
enum ServeCommand: Subcommand {
    static let name = "serve"
    static let usage = "serve [--host ADDRESS] [--port N]   (defaults 127.0.0.1 and 8080; env VERIFIER_HOST, VERIFIER_PORT)"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--host", "--port"])
        guard args.positionals.isEmpty else { throw UsageError("serve takes no positional arguments") }
        let configuration = try configuration(args, environment: ProcessInfo.processInfo.environment)
        let log = StderrLog()
        let server = HTTPServer(configuration: configuration, router: Routes.make(), logger: log.httpLogger)
        try server.runUntilSignalled()
        log.flush()
        return 0
    }

    /// The server configuration from flags, then environment, then defaults (flags win).
    static func configuration(_ args: ArgumentScanner, environment: [String: String]) throws -> HTTPServerConfiguration {
        let host = args.value("--host") ?? environment["VERIFIER_HOST"] ?? "127.0.0.1"
        let portText = args.value("--port") ?? environment["VERIFIER_PORT"] ?? "8080"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw UsageError("port must be an integer in 0...65535, got \"\(portText)\"")
        }
        return HTTPServerConfiguration(host: host, port: port)
    }
}
