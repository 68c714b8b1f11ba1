internal import Foundation

/// Element types a safetensors file may declare.
public enum SafeTensorsDType: String, Sendable, Hashable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

    /// Size in bytes of one element.
    public var byteWidth: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// Limits applied when reading a safetensors file.
public struct SafeTensorsLimits: Sendable, Hashable {
    /// Maximum size in bytes of the JSON header. Default 16 MiB.
    public var maxHeaderBytes: Int
    /// Maximum number of tensors. Default 65,536.
    public var maxTensors: Int
    /// Maximum rank of one tensor. Default 8.
    public var maxRank: Int

    public init(maxHeaderBytes: Int = 16 << 20, maxTensors: Int = 65_536, maxRank: Int = 8) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxTensors = maxTensors
        self.maxRank = maxRank
    }
}

/// Why a safetensors file was refused.
public enum SafeTensorsError: Error, Equatable, Sendable {
    case cannotOpen(path: String, errno: Int32)
    case truncated(fileBytes: Int, needed: Int)
    case headerTooLarge(bytes: Int, limit: Int)
    case invalidHeaderJSON(String)
    case tooManyTensors(count: Int, limit: Int)
    case invalidEntry(name: String, reason: String)
    case unsupportedDType(name: String, dtype: String)
    case rankTooLarge(name: String, rank: Int, limit: Int)
    case sizeMismatch(name: String, shapeBytes: Int, offsetBytes: Int)
    case outOfBounds(name: String, end: Int, dataBytes: Int)
    case overlapping(first: String, second: String)
    case gapOrTrailingBytes(at: Int)
    case missingTensor(String)
    case wrongDType(name: String, got: SafeTensorsDType, want: SafeTensorsDType)
}

/// A read-only view of a safetensors file: memory-mapped from disk, so that large files cost no
/// heap, or read from an in-memory buffer (an inline or downloaded artifact), as
/// `CanonicalParameters` reads either a file or an array.
///
/// Layout (https://github.com/huggingface/safetensors): 8-byte little-endian header length N,
/// N bytes of UTF-8 JSON, then the data buffer. Offsets in the header are relative to the
/// start of the data buffer. Entries are validated on open: in bounds, sizes consistent with
/// shapes, no overlaps, and the data buffer covered exactly with no gaps.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        /// Byte range of the tensor's data, absolute within the file.
        public let byteRange: Range<Int>

        /// Number of elements, the product of the shape (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Entries sorted by name (byte-wise UTF-8 order, the canonical order).
    public let entries: [Entry]
    /// The `__metadata__` map, empty when absent.
    public let metadata: [String: String]
    /// Total size of the file in bytes.
    public let fileSize: Int
    /// Offset of the data buffer within the file.
    public let dataOffset: Int

    /// The raw bytes of the whole file. Valid while `self` is alive.
    public let bytes: UnsafeRawBufferPointer
    /// What keeps `bytes` valid: the `MappedFile` or the `OwnedBytes`.
    private let storage: AnyObject

    /// Opens and validates the file at `path`, memory-mapped.
    public convenience init(path: String, limits: SafeTensorsLimits = .init()) throws {
        let mapping = try MappedFile(path: path)
        try self.init(bytes: mapping.bytes, storage: mapping, limits: limits)
    }

    /// Validates the safetensors file held in `buffer`, copied once into memory this object owns
    /// (no temporary file). For files that arrive in memory: inline artifacts, downloads.
    public convenience init(buffer: [UInt8], limits: SafeTensorsLimits = .init()) throws {
        let copy = buffer.withUnsafeBytes { OwnedBytes(copying: $0) }
        try self.init(bytes: copy.bytes, storage: copy, limits: limits)
    }

    /// Validates the file in `raw`, which `storage` keeps valid for the life of `self`.
    private init(bytes raw: UnsafeRawBufferPointer, storage: AnyObject, limits: SafeTensorsLimits) throws {
        self.storage = storage
        bytes = raw
        fileSize = raw.count
        guard fileSize >= 8 else { throw SafeTensorsError.truncated(fileBytes: fileSize, needed: 8) }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(raw[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(limits.maxHeaderBytes) else {
            throw SafeTensorsError.headerTooLarge(bytes: Int(clamping: headerLength), limit: limits.maxHeaderBytes)
        }
        let n = Int(headerLength)
        guard fileSize >= 8 + n else { throw SafeTensorsError.truncated(fileBytes: fileSize, needed: 8 + n) }
        dataOffset = 8 + n
        let header = Data(UnsafeRawBufferPointer(rebasing: raw[8..<(8 + n)]))
        let parsed = try Self.parseHeader(header, dataBytes: fileSize - dataOffset, dataOffset: dataOffset, limits: limits)
        entries = parsed.entries
        metadata = parsed.metadata
    }

    /// The entry named `name`, if present.
    public func entry(_ name: String) -> Entry? {
        var lo = 0, hi = entries.count
        let key = Array(name.utf8)
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = Array(entries[mid].name.utf8)
            if k == key { return entries[mid] }
            if k.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// The raw bytes of one tensor. Valid while `self` is alive.
    public func rawBytes(_ entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[entry.byteRange])
    }

    /// Copies an F32 tensor into an array (little-endian on disk; this is a little-endian host).
    public func floats(_ name: String) throws -> [Float] {
        guard let e = entry(name) else { throw SafeTensorsError.missingTensor(name) }
        guard e.dtype == .f32 else { throw SafeTensorsError.wrongDType(name: name, got: e.dtype, want: .f32) }
        let src = rawBytes(e)
        return [Float](unsafeUninitializedCapacity: e.elementCount) { buf, count in
            if let base = src.baseAddress, e.elementCount > 0 {
                memcpy(buf.baseAddress!, base, src.count)
            }
            count = e.elementCount
        }
    }

    /// Copies a U8 tensor into an array.
    public func uint8s(_ name: String) throws -> [UInt8] {
        guard let e = entry(name) else { throw SafeTensorsError.missingTensor(name) }
        guard e.dtype == .u8 else { throw SafeTensorsError.wrongDType(name: name, got: e.dtype, want: .u8) }
        return [UInt8](rawBytes(e))
    }

    /// Parses and validates the JSON header; a nil `dataBytes` takes the data buffer to end
    /// where the last tensor ends (see `SafeTensorsHeader`).
    static func parseHeader(
        _ header: Data, dataBytes: Int?, dataOffset: Int, limits: SafeTensorsLimits
    ) throws -> (entries: [Entry], metadata: [String: String]) {
        let document: JSONNode
        do { document = try StrictJSONParser(maxDepth: 8).parse([UInt8](header)).root } catch {
            // Duplicate tensor names are refused here too: a lenient parser would keep one silently.
            throw SafeTensorsError.invalidHeaderJSON("\(error)")
        }
        guard document.kind == .object else { throw SafeTensorsError.invalidHeaderJSON("header is not a JSON object") }
        let dataBytes = dataBytes ?? SafeTensorsHeader.dataEnd(document)
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        let tensorCount = document.count - (document["__metadata__"] == nil ? 0 : 1)
        guard tensorCount <= limits.maxTensors else {
            throw SafeTensorsError.tooManyTensors(count: tensorCount, limit: limits.maxTensors)
        }
        for (name, value) in document.members {
            if name == "__metadata__" {
                guard value.kind == .object else { throw SafeTensorsError.invalidHeaderJSON("__metadata__ is not an object") }
                for (k, v) in value.members {
                    guard let text = v.string else { throw SafeTensorsError.invalidHeaderJSON("__metadata__.\(k) is not a string") }
                    metadata[k] = text
                }
                continue
            }
            guard value.kind == .object else { throw SafeTensorsError.invalidEntry(name: name, reason: "not an object") }
            guard let dtypeName = value["dtype"]?.string else { throw SafeTensorsError.invalidEntry(name: name, reason: "missing dtype") }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw SafeTensorsError.unsupportedDType(name: name, dtype: dtypeName) }
            guard let shapeNode = value["shape"], shapeNode.kind == .array else { throw SafeTensorsError.invalidEntry(name: name, reason: "missing shape") }
            let rank = shapeNode.count
            guard rank <= limits.maxRank else { throw SafeTensorsError.rankTooLarge(name: name, rank: rank, limit: limits.maxRank) }
            var shape: [Int] = []
            var elements = 1
            for d in shapeNode.elements {
                guard let n = exactInt(d), n >= 0 else { throw SafeTensorsError.invalidEntry(name: name, reason: "shape has a non-integer or negative dimension") }
                let (p, overflow) = elements.multipliedReportingOverflow(by: n)
                guard !overflow, p <= Int(Int32.max) * 64 else { throw SafeTensorsError.invalidEntry(name: name, reason: "shape too large") }
                elements = p
                shape.append(n)
            }
            guard let offsetsNode = value["data_offsets"], offsetsNode.kind == .array, offsetsNode.count == 2,
                  case let offs = Array(offsetsNode.elements),
                  let begin = exactInt(offs[0]), let end = exactInt(offs[1]), begin >= 0, end >= begin
            else { throw SafeTensorsError.invalidEntry(name: name, reason: "data_offsets must be two integers begin <= end") }
            guard end <= dataBytes else { throw SafeTensorsError.outOfBounds(name: name, end: end, dataBytes: dataBytes) }
            let shapeBytes = elements * dtype.byteWidth
            guard shapeBytes == end - begin else { throw SafeTensorsError.sizeMismatch(name: name, shapeBytes: shapeBytes, offsetBytes: end - begin) }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, byteRange: (dataOffset + begin)..<(dataOffset + end)))
        }
        // Overlaps and gaps: sort by offset and require the ranges to tile the data buffer.
        let byOffset = entries.sorted { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }
        var cursor = dataOffset
        var previous: String? = nil
        for e in byOffset {
            if e.byteRange.lowerBound < cursor, let p = previous { throw SafeTensorsError.overlapping(first: p, second: e.name) }
            if e.byteRange.lowerBound > cursor { throw SafeTensorsError.gapOrTrailingBytes(at: cursor - dataOffset) }
            cursor = e.byteRange.upperBound
            previous = e.name
        }
        if cursor != dataOffset + dataBytes { throw SafeTensorsError.gapOrTrailingBytes(at: cursor - dataOffset) }
        entries.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        return (entries, metadata)
    }

    /// A non-negative integer literal (no sign, fraction or exponent) that fits in 53 bits.
    private static func exactInt(_ value: JSONNode) -> Int? {
        guard let literal = value.numberLiteral, literal.utf8.count <= 16,
              literal.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(literal)
    }
}
