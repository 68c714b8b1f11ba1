import Foundation
import TestSupport
import Testing
import Verification

/// `verifier quantize` run as a process: artifact contents, --inspect, and exit codes 0/1/2.
struct QuantizeCommandTests {
    private func verifier(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let result = try Subprocess.run(Repository.binary, arguments)
        return (result.status, result.stdout)
    }

    @Test func quantizesTensorsInNameOrderAndInspectsTheArtifact() throws {
        let dir = try Scratch.directory("quantize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let weight = (0..<1200).map { Float($0 % 37) * 0.01 - 0.2 }
        let bias = (0..<70).map { Float($0) - 35 }
        let input = dir.appendingPathComponent("grad.safetensors").path
        try SafeTensorsWriter.write([
            SafeTensorsWriter.Tensor(name: "b.weight", shape: [30, 40], floats: weight),
            SafeTensorsWriter.Tensor(name: "a.bias", shape: [70], floats: bias),
        ], to: input)
        let output = dir.appendingPathComponent("art.safetensors").path
        let made = try verifier(["quantize", input, "--out", output])
        #expect(made.status == 0)
        #expect(made.stdout == "{\"parameters\":1270,\"blocks\":20,\"leaves\":2}\n")
        #expect(try GradientArtifact.read(path: output) == QuantizedGradient(quantizing: bias + weight))
        let inspected = try verifier(["quantize", "--inspect", output])
        #expect(inspected.status == 0 && inspected.stdout == made.stdout)
    }

    @Test func exitsOneOnNaNGradientOrNonArtifact() throws {
        let dir = try Scratch.directory("quantize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("nan.safetensors").path
        try SafeTensorsWriter.write([SafeTensorsWriter.Tensor(name: "w", shape: [2], floats: [1, .nan])], to: input)
        #expect(try verifier(["quantize", input, "--out", dir.appendingPathComponent("o").path]).status == 1)
        #expect(try verifier(["quantize", "--inspect", input]).status == 1)
        let ints = dir.appendingPathComponent("ints.safetensors").path
        try SafeTensorsWriter.write([SafeTensorsWriter.Tensor(name: "w", dtype: .i32, shape: [1], bytes: [1, 0, 0, 0])], to: ints)
        #expect(try verifier(["quantize", ints, "--out", dir.appendingPathComponent("o").path]).status == 1)
    }

    @Test func exitsTwoOnUsageErrors() throws {
        #expect(try verifier(["quantize", "g.safetensors"]).status == 2)
        #expect(try verifier(["quantize", "--out", "a"]).status == 2)
        #expect(try verifier(["quantize", "--inspect", "a", "b"]).status == 2)
        #expect(try verifier(["quantize", "--bogus"]).status == 2)
    }
}
