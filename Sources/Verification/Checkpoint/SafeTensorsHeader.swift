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
        dataOffset = 8 + json.count
        let parsed = try SafeTensorsFile.parseHeader(Data(json), dataBytes: nil, dataOffset: dataOffset, limits: limits)
        entries = parsed.entries
        metadata = parsed.metadata
    }

    /// The entry named `name`, if present.
    public func entry(_ name: String) -> SafeTensorsFile.Entry? {
        entries.first { $0.name == name }
    }

    /// The largest end offset any entry of the parsed header `document` declares, so the
    /// parser's tiling check covers exactly the tensors. An end that is not a number from 0 to
    /// 9e15 is skipped (its entry is refused anyway); a fractional one counts truncated.
    static func dataEnd(_ document: JSONNode) -> Int {
        var end = 0
        for (name, value) in document.members where name != "__metadata__" {
            guard let offsets = value["data_offsets"], offsets.kind == .array, offsets.count == 2,
                  let literal = Array(offsets.elements)[1].numberLiteral,
                  let e = Double(literal), e >= 0, e < 9.0e15 else { continue }
            end = max(end, Int(e))
        }
        return end
    }
}
