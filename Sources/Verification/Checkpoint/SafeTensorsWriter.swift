internal import Foundation
internal import JSONWriter

/// Writes safetensors files: the header lists tensors in canonical (byte-wise name) order,
/// data laid out in that same order with no gaps, header padded with spaces to 8 bytes.
public enum SafeTensorsWriter {
    /// One tensor to write.
    public struct Tensor: Sendable {
        public var name: String
        public var dtype: SafeTensorsDType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
            precondition(shape.reduce(1, *) * dtype.byteWidth == bytes.count, "tensor \(name): shape \(shape) does not match \(bytes.count) bytes")
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// An F32 tensor from floats (stored little-endian).
        public init(name: String, shape: [Int], floats: [Float]) {
            self.init(name: name, dtype: .f32, shape: shape, bytes: floats.withUnsafeBytes { [UInt8]($0) })
        }
    }

    /// Serialises tensors and metadata to bytes.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        // Escaped as JSONValue writes strings (the style this writer has always used).
        let quote = { (text: String) in JSONText.quote(text, escaping: .minimal) }
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"__metadata__\":{"
            json += metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0]!))" }.joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for t in sorted {
            if !first { json += "," }
            first = false
            let shape = t.shape.map(String.init).joined(separator: ",")
            json += "\(quote(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}"
            offset += t.bytes.count
        }
        json += "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        let n = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out += header
        for t in sorted { out += t.bytes }
        return out
    }

    /// Writes tensors to `path`, replacing any existing file.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to path: String) throws {
        try Data(encode(tensors, metadata: metadata)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
