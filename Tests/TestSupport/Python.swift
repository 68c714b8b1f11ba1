import Foundation

/// The repository's Python (`.venv/bin/python`, made by scripts/setup) running the reference
/// scripts in tools/.
public enum Python {
    /// The venv's interpreter; throws `missingPython`, naming scripts/setup, when it is absent.
    public static func interpreter() throws -> String {
        let path = Repository.path(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: path) else { throw TestSupportError.missingPython(path: path) }
        return path
    }

    /// Runs `tools/<script>` with `arguments` and returns how it ended, whatever its status.
    public static func run(_ script: String, _ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try Subprocess.run(try interpreter(), [Repository.path("tools/" + script)] + arguments, stdin: stdin)
    }

    /// Runs `tools/<script>` with `arguments` and returns its standard output; throws
    /// `processFailed` with its standard error when it exits non-zero.
    public static func output(_ script: String, _ arguments: [String], stdin: Data? = nil) throws -> Data {
        let result = try run(script, arguments, stdin: stdin)
        guard result.status == 0 else {
            throw TestSupportError.processFailed(command: "tools/\(script) \(arguments.joined(separator: " "))",
                                                 status: result.status, stderr: result.stderr)
        }
        return result.output
    }
}
