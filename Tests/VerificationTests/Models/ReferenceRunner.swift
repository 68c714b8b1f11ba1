import Foundation
import Testing
import Verification

/// Runs tools/reference_models.py (numpy float32) on a checkpoint and a batch.
enum ReferenceRunner {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        var loss: Double
        var gradient: [Float]
    }

    /// Writes the checkpoint and batch to a temporary folder, runs the reference, and returns
    /// its loss and its gradient laid out in `layout`.
    static func run(arch: String, config: String, layout: ParameterLayout, parameters: [Float],
                    batch: [SafeTensorsWriter.Tensor]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ckpt, batchPath, out) = (dir.appendingPathComponent("ckpt.safetensors").path,
                                      dir.appendingPathComponent("batch.safetensors").path,
                                      dir.appendingPathComponent("out.safetensors").path)
        try SafeTensorsWriter.write(layout.tensors(from: parameters), metadata: ["arch": arch, "config": config], to: ckpt)
        try SafeTensorsWriter.write(batch, to: batchPath)
        try python([ckpt, batchPath, out])
        let file = try SafeTensorsFile(path: out)
        guard let loss = file.metadata["loss"].flatMap(Double.init) else { throw ReferenceError.noLoss }
        return Result(loss: loss, gradient: try layout.load(file))
    }

    /// Runs the reference's seeded initialiser and returns its parameters laid out in `layout`.
    static func runInit(arch: String, config: String, seed: UInt64, layout: ParameterLayout) throws -> [Float] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("init.safetensors").path
        try python(["init", arch, config, String(seed), out])
        return try layout.load(SafeTensorsFile(path: out))
    }

    /// Runs tools/reference_models.py with `arguments`, throwing with its stderr on failure.
    private static func python(_ arguments: [String]) throws {
        let python = repoRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ReferenceError.missingPython(python)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repoRoot.appendingPathComponent("tools/reference_models.py").path] + arguments
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ReferenceError.failed(status: process.terminationStatus, stderr: message)
        }
    }

    static func int32Tensor(_ name: String, shape: [Int], _ values: [Int32]) -> SafeTensorsWriter.Tensor {
        SafeTensorsWriter.Tensor(name: name, dtype: .i32, shape: shape, bytes: values.withUnsafeBytes { [UInt8]($0) })
    }

    enum ReferenceError: Error {
        case missingPython(String)  // run scripts/setup to create .venv
        case failed(status: Int32, stderr: String)
        case noLoss
    }
}

/// Largest |a - b| relative to the largest |b|.
func gradientError(_ got: [Float], _ want: [Float]) -> Float {
    let maxRef = want.map(abs).max() ?? 0
    let maxDiff = zip(got, want).map { abs($0 - $1) }.max() ?? 0
    return maxDiff / max(maxRef, .leastNormalMagnitude)
}
