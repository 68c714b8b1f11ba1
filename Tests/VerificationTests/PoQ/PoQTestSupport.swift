import Foundation
import Testing
import Verification

/// Paths and helpers shared by the PoQ tests: the repository root, the real model that
/// scripts/setup installs, and running the Python references in the repository's venv.
enum PoQTestSupport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let modelDirectory = root + "/models/all-MiniLM-L6-v2"
    static let fixtures = root + "/Tests/Fixtures/poq"

    /// The real model's directory; fails with a clear message when scripts/setup has not run.
    static func requireModel() throws -> String {
        guard FileManager.default.fileExists(atPath: modelDirectory + "/model.safetensors") else {
            throw Failure(description: "missing \(modelDirectory)/model.safetensors: run scripts/setup")
        }
        return modelDirectory
    }

    static func tokenizer(maxLength: Int = 512) throws -> BertTokenizer {
        let vocabulary = try WordPieceVocabulary(path: try requireModel() + "/vocab.txt")
        return try BertTokenizer(vocabulary: vocabulary, maxLength: maxLength)
    }

    /// Runs `tools/<script>` with the venv's Python and returns its standard output.
    static func runPython(_ script: String, _ arguments: [String]) throws -> Data {
        let python = root + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "missing \(python): run scripts/setup to create the venv")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root + "/tools/" + script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(script) failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
        }
        return data
    }
}
