/// Why a test's helper process could not give an answer; thrown so that the test fails (never skips).
public enum TestSupportError: Error, CustomStringConvertible {
    /// The repository's Python venv is missing.
    case missingPython(path: String)
    /// A process exited with a non-zero status.
    case processFailed(command: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .missingPython(let path):
            return "\(path) is missing: run scripts/setup to create the Python venv"
        case .processFailed(let command, let status, let stderr):
            return "\(command) exited \(status): \(stderr)"
        }
    }
}
