internal import Foundation

/// A safetensors header read on its own, for files fetched piecewise by byte range: the
/// 8-byte little-endian length, then the JSON header, parsed and validated like
/// `SafeTensorsFile` does, without the data buffer.
///
/// Since the file's size is not known, the data buffer is taken to end where the last tensor
/// ends; entries must still tile it with no gaps or overlaps.
public struct SafeTensorsHeader: Sendable {
    /// Entries sorted by name, with byte ranges absolute within the file.
    public let entries: [SafeTensorsFile.Entry]
    /// The `__metadata__` map, empty when absent.
    public let metadata: [String: String]
    /// Offset of the data buffer within the file: 8 + the header length.
    public let dataOffset: Int

    /// The header length from the file's first 8 bytes; refuses fewer bytes and a length above
    /// the limit.
    public static func headerLength(prefix: [UInt8], limits: SafeTensorsLimits = .init()) throws -> Int {
        guard prefix.count >= 8 else { throw SafeTensorsError.truncated(fileBytes: prefix.count, needed: 8) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(limits.maxHeaderBytes) else {
            throw SafeTensorsError.headerTooLarge(bytes: Int(clamping: length), limit: limits.maxHeaderBytes)
        }
        return Int(length)
    }

    /// Parses the JSON header bytes that follow the 8-byte length.
    public init(json: [UInt8], limits: SafeTensorsLimits = .init()) throws {
        let data = Data(json)
        dataOffset = 8 + json.count
        let parsed = try SafeTensorsFile.parseHeader(data, dataBytes: Self.dataEnd(data), dataOffset: dataOffset, limits: limits)
        entries = parsed.entries
        metadata = parsed.metadata
    }

    /// The entry named `name`, if present.
    public func entry(_ name: String) -> SafeTensorsFile.Entry? {
        entries.first { $0.name == name }
    }

    /// The largest end offset any entry declares, so the parser's tiling check covers exactly
    /// the tensors; 0 when the header is malformed, which the full parse then reports.
    private static func dataEnd(_ data: Data) -> Int {
        guard let dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return 0 }
        var end = 0
        for (name, value) in dict where name != "__metadata__" {
            guard let offsets = (value as? [String: Any])?["data_offsets"] as? [Any], offsets.count == 2,
                  let e = offsets[1] as? NSNumber, e.doubleValue >= 0, e.doubleValue < 9.0e15 else { continue }
            end = max(end, e.intValue)
        }
        return end
    }
}
