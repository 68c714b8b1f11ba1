import Foundation
import TestSupport
import Testing
import Verification

/// The gradient artifact file (safetensors, format pogo/1/grad4): round trip and refusals.
struct GradientArtifactTests {
    private func roundTrip(_ bytes: [UInt8]) throws -> QuantizedGradient {
        let dir = try Scratch.directory("quant")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("g.safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try GradientArtifact.read(path: path)
    }

    private func file(
        parameters: String?, format: String? = GradientArtifact.format,
        scales: [Float], codes: [UInt8], extra: [SafeTensorsWriter.Tensor] = []
    ) -> [UInt8] {
        var metadata: [String: String] = [:]
        if let format { metadata["format"] = format }
        if let parameters { metadata["parameters"] = parameters }
        let tensors = [
            SafeTensorsWriter.Tensor(name: "scales", shape: [scales.count], floats: scales),
            SafeTensorsWriter.Tensor(name: "codes", dtype: .u8, shape: [codes.count], bytes: codes),
        ] + extra
        return SafeTensorsWriter.encode(tensors, metadata: metadata)
    }

    @Test func roundTripsThroughFile() throws {
        let q = try QuantizedGradient(quantizing: (0..<1091).map { Float($0 % 13) - 6.5 })
        let dir = try Scratch.directory("quant")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.safetensors").path
        try GradientArtifact.write(q, to: path)
        let back = try GradientArtifact.read(path: path)
        #expect(back == q)
        let opened = try SafeTensorsFile(path: path)
        #expect(opened.metadata == ["format": "pogo/1/grad4", "parameters": "1091"])
        #expect(opened.entry("scales")?.shape == [18] && opened.entry("codes")?.shape == [546])
        #expect(try roundTrip(GradientArtifact.encode(q)) == q)
    }

    @Test func refusesWrongOrMissingFormat() {
        #expect(throws: GradientArtifactError.wrongFormat(got: "pogo/2/grad4")) {
            try roundTrip(file(parameters: "1", format: "pogo/2/grad4", scales: [0], codes: [0]))
        }
        #expect(throws: GradientArtifactError.wrongFormat(got: nil)) {
            try roundTrip(file(parameters: "1", format: nil, scales: [0], codes: [0]))
        }
    }

    @Test func refusesNonCanonicalParameterCounts() {
        for bad in ["0", "01", "-1", "+1", "1.0", " 1", "", "99999999999999999999"] {
            #expect(throws: GradientArtifactError.invalidParameterCount(got: bad)) {
                try roundTrip(file(parameters: bad, scales: [0], codes: [0]))
            }
        }
        #expect(throws: GradientArtifactError.invalidParameterCount(got: nil)) {
            try roundTrip(file(parameters: nil, scales: [0], codes: [0]))
        }
    }

    @Test func refusesShapesThatDisagreeWithParameterCount() {
        // 65 parameters need 2 scales and 33 bytes; one more or one fewer is refused.
        #expect(throws: GradientArtifactError.wrongShape(name: "scales", got: [3], want: [2])) {
            try roundTrip(file(parameters: "65", scales: [1, 1, 1], codes: [UInt8](repeating: 0, count: 33)))
        }
        #expect(throws: GradientArtifactError.wrongShape(name: "codes", got: [34], want: [33])) {
            try roundTrip(file(parameters: "65", scales: [1, 1], codes: [UInt8](repeating: 0, count: 34)))
        }
        #expect(throws: GradientArtifactError.wrongShape(name: "codes", got: [32], want: [33])) {
            try roundTrip(file(parameters: "65", scales: [1, 1], codes: [UInt8](repeating: 0, count: 32)))
        }
    }

    @Test func refusesExtraTensorsAndWrongDTypes() {
        let extra = SafeTensorsWriter.Tensor(name: "zz", shape: [1], floats: [0])
        #expect(throws: GradientArtifactError.unexpectedTensors(names: ["codes", "scales", "zz"])) {
            try roundTrip(file(parameters: "1", scales: [0], codes: [0], extra: [extra]))
        }
        let wrong = SafeTensorsWriter.encode([
            SafeTensorsWriter.Tensor(name: "scales", shape: [1], floats: [0]),
            SafeTensorsWriter.Tensor(name: "codes", dtype: .i8, shape: [1], bytes: [0]),
        ], metadata: ["format": GradientArtifact.format, "parameters": "1"])
        #expect(throws: GradientArtifactError.wrongDType(name: "codes", got: "I8", want: "U8")) { try roundTrip(wrong) }
    }

    @Test func refusesInvalidCodesAndScalesInsideFile() {
        #expect(throws: QuantizationError.invalidCode(parameter: 0, nibble: 8)) {
            try roundTrip(file(parameters: "2", scales: [1], codes: [0x08]))
        }
        #expect(throws: QuantizationError.invalidScale(block: 0, bitPattern: Float.nan.bitPattern)) {
            try roundTrip(file(parameters: "2", scales: [.nan], codes: [0x00]))
        }
        #expect(throws: QuantizationError.invalidScale(block: 0, bitPattern: (-2 as Float).bitPattern)) {
            try roundTrip(file(parameters: "2", scales: [-2], codes: [0x00]))
        }
    }
}
