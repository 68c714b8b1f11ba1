internal import Foundation

/// `verifier serve`: runs the verification service until SIGTERM or SIGINT, then stops
/// gracefully (exit 0). Every setting is a flag or a `VERIFIER_*` variable (docs/configuration.md).
enum ServeCommand: Subcommand {
    static let name = "serve"
    static let usage = "serve [--host ADDRESS] [--port N] [--data-dir DIR] [--workers N] ...   (every setting: docs/configuration.md)"

    static func run(_ arguments: [String]) throws -> Int32 {
        let log = StderrLog()
        let service: VerifierService
        do {
            let configuration = try ServiceConfiguration.parse(arguments, environment: ProcessInfo.processInfo.environment)
            service = try VerifierService(configuration: configuration, log: log)
        } catch let error as UsageError {
            throw error
        } catch {
            log.event("start_failed", ["error": "\(error)"])
            throw error
        }
        try service.run()
        return 0
    }
}
