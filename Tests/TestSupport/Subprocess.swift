import Foundation

/// Runs a program to completion, the one way the tests start short-lived processes.
public enum Subprocess {
    /// Runs `executable` with `arguments` in the repository root, feeds it `stdin` (then end of
    /// file), and returns its status, standard output and standard error.
    ///
    /// `environment` replaces the inherited environment when given. Both output pipes are
    /// drained while the process runs, so a chatty child cannot block on a full pipe.
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        if let environment { process.environment = environment }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        let group = DispatchGroup()
        let errorData = Box()
        DispatchQueue.global().async(group: group) {
            errorData.value = errors.fileHandleForReading.readDataToEndOfFile()
        }
        DispatchQueue.global().async(group: group) {
            if let stdin { input.fileHandleForWriting.write(stdin) }
            try? input.fileHandleForWriting.close()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, output: outputData, errorOutput: errorData.value)
    }

    /// Data handed from a reader thread to the caller, which reads it only after `group.wait()`.
    private final class Box: @unchecked Sendable {
        var value = Data()
    }
}
