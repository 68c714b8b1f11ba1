import Foundation
import Testing
import Verification

/// The safetensors header goes through the strict JSON parser.
struct SafeTensorsStrictHeaderTests {
    func file(header: String, data: [UInt8]) throws -> String {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) }
        bytes += h + data
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func refusesDuplicateTensorNames() throws {
        let path = try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                            data: [UInt8](repeating: 0, count: 8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: path) }
    }

    @Test func refusesFractionalOffsets() throws {
        let path = try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}"#, data: [0, 0, 0, 0])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: path) }
    }

    @Test func acceptsSpacePaddedHeader() throws {
        let path = try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  "#, data: [0, 0, 0x80, 0x3f])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SafeTensorsFile(path: path).floats("a") == [1])
    }
}
