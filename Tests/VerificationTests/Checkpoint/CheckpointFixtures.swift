import Foundation
import Verification

/// Builds small safetensors files for tests, including layouts `SafeTensorsWriter` never
/// produces (tensors stored out of name order, hand-made headers).
enum CheckpointFixtures {
    /// Deterministic finite floats in [-1, 1).
    static func floats(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9e37_79b9_7f4a_7c15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
    }

    /// A safetensors file whose data section stores the tensors in `physicalOrder` (indices
    /// into `tensors`), the header followed by `headerPadding` spaces (which moves the data
    /// off 4-byte alignment when the total is not a multiple of 4).
    static func bytes(_ tensors: [SafeTensorsWriter.Tensor], physicalOrder: [Int]? = nil, headerPadding: Int = 0) -> [UInt8] {
        let order = physicalOrder ?? Array(tensors.indices)
        var offset = 0
        var fields: [String] = []
        var data: [UInt8] = []
        for i in order {
            let t = tensors[i]
            let shape = t.shape.map(String.init).joined(separator: ",")
            fields.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
            data += t.bytes
        }
        return withHeader("{" + fields.joined(separator: ",") + "}" + String(repeating: " ", count: headerPadding), data: data)
    }

    /// 8-byte little-endian length, the header text, then the data.
    static func withHeader(_ header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(h.count).littleEndian) { [UInt8]($0) } + h + data
    }

    static func write(_ bytes: [UInt8], in directory: URL, name: String = "model.safetensors") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}
