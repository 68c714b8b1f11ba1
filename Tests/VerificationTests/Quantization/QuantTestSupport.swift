import Foundation

/// Test helpers shared by the quantization and challenge suites: little-endian float files.
enum QuantTestSupport {
    /// Reads a file of little-endian fp32 values.
    static func readFloats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { i -> Float in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(bytes[i + k]) << UInt32(8 * k) }
            return Float(bitPattern: bits)
        }
    }

    /// Bit patterns, so that comparisons are exact and NaN-safe.
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
}
