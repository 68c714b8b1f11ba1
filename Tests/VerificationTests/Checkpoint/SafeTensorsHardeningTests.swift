import TestSupport
import Testing
import Verification

/// The safetensors reader refuses every malformed layout before any tensor is read, whether
/// the file is mapped from disk or read from memory.
struct SafeTensorsHardeningTests {
    /// Opens `bytes` both ways, mapped from a file and from memory, which must agree (the same
    /// entries, metadata and bytes, or the same error); returns the one read from memory.
    static func open(_ bytes: [UInt8], limits: SafeTensorsLimits = .init()) throws -> SafeTensorsFile {
        let dir = try Scratch.directory("merkle-tests")
        let path = try CheckpointFixtures.write(bytes, in: dir)
        let mapped = Result { try SafeTensorsFile(path: path, limits: limits) }
        let inMemory = Result { try SafeTensorsFile(buffer: bytes, limits: limits) }
        switch (mapped, inMemory) {
        case let (.success(file), .success(buffer)):
            #expect(file.entries == buffer.entries && file.metadata == buffer.metadata && file.dataOffset == buffer.dataOffset)
            #expect(Array(file.bytes) == Array(buffer.bytes) && Array(buffer.bytes) == bytes)
        case let (.failure(fileError), .failure(bufferError)):
            #expect("\(fileError)" == "\(bufferError)")
        default:
            Issue.record("mapped and in-memory readers disagree: \(mapped) versus \(inMemory)")
        }
        return try inMemory.get()
    }

    static let entryA = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"

    @Test func readsWhatTheWriterWrote() throws {
        let tensors = [SafeTensorsWriter.Tensor(name: "w", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
                       SafeTensorsWriter.Tensor(name: "b", shape: [3], floats: [7, 8, 9])]
        let file = try Self.open(SafeTensorsWriter.encode(tensors))
        #expect(file.entries.map(\.name) == ["b", "w"])
        #expect(try file.floats("w") == [1, 2, 3, 4, 5, 6])
        #expect(file.entry("b")?.shape == [3])
    }

    @Test func refusesOverlappingTensors() {
        let header = "{\(Self.entryA),\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"
        #expect(throws: SafeTensorsError.overlapping(first: "a", second: "b")) {
            try Self.open(CheckpointFixtures.withHeader(header, data: [UInt8](repeating: 0, count: 12)))
        }
    }

    @Test func refusesOffsetsPastTheEndOfTheData() {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}"
        #expect(throws: SafeTensorsError.outOfBounds(name: "a", end: 12, dataBytes: 8)) {
            try Self.open(CheckpointFixtures.withHeader(header, data: [UInt8](repeating: 0, count: 8)))
        }
    }

    @Test func refusesGapsAndTrailingBytes() {
        #expect(throws: SafeTensorsError.gapOrTrailingBytes(at: 8)) {
            try Self.open(CheckpointFixtures.withHeader("{\(Self.entryA)}", data: [UInt8](repeating: 0, count: 9)))
        }
    }

    @Test func refusesTruncatedFiles() {
        #expect(throws: SafeTensorsError.truncated(fileBytes: 5, needed: 8)) { try Self.open([1, 0, 0, 0, 0]) }
        let whole = CheckpointFixtures.withHeader("{\(Self.entryA)}", data: [UInt8](repeating: 0, count: 8))
        let headerEnd = 8 + "{\(Self.entryA)}".utf8.count
        #expect(throws: SafeTensorsError.truncated(fileBytes: headerEnd - 1, needed: headerEnd)) {
            try Self.open(Array(whole.prefix(headerEnd - 1)))
        }
        // Cut inside the data: the entry now reaches past the end.
        #expect(throws: SafeTensorsError.outOfBounds(name: "a", end: 8, dataBytes: 5)) {
            try Self.open(Array(whole.prefix(headerEnd + 5)))
        }
    }

    @Test func acceptsHeaderAtTheLimitAndRefusesOneByteMore() throws {
        let base = "{\(Self.entryA)}"
        let limit = 256
        let atLimit = base + String(repeating: " ", count: limit - base.utf8.count)
        let data = [UInt8](repeating: 0, count: 8)
        let limits = SafeTensorsLimits(maxHeaderBytes: limit)
        #expect(try Self.open(CheckpointFixtures.withHeader(atLimit, data: data), limits: limits).entries.count == 1)
        #expect(throws: SafeTensorsError.headerTooLarge(bytes: limit + 1, limit: limit)) {
            try Self.open(CheckpointFixtures.withHeader(atLimit + " ", data: data), limits: limits)
        }
    }

    @Test func refusesHugeDeclaredHeaderLengthWithoutReadingIt() {
        let bytes = withUnsafeBytes(of: UInt64.max.littleEndian) { [UInt8]($0) } + [0x7b]
        #expect(throws: SafeTensorsError.headerTooLarge(bytes: Int.max, limit: SafeTensorsLimits().maxHeaderBytes)) {
            try Self.open(bytes)
        }
    }

    @Test func refusesHeaderThatIsNotJSON() {
        for header in ["{\"a\":", "[1,2]", "\u{FFFD}garbage", ""] {
            #expect(throws: SafeTensorsError.self, "header \(header)") { try Self.open(CheckpointFixtures.withHeader(header, data: [])) }
        }
    }

    @Test func refusesSizeThatDoesNotMatchShape() {
        let header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"
        #expect(throws: SafeTensorsError.sizeMismatch(name: "a", shapeBytes: 12, offsetBytes: 8)) {
            try Self.open(CheckpointFixtures.withHeader(header, data: [UInt8](repeating: 0, count: 8)))
        }
    }

    @Test func refusesMalformedEntries() {
        let cases = [
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
            "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}",
            "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}",
            "{\"a\":[]}",
        ]
        for header in cases {
            #expect(throws: SafeTensorsError.self, "header \(header)") {
                try Self.open(CheckpointFixtures.withHeader(header, data: [UInt8](repeating: 0, count: 8)))
            }
        }
    }

    @Test func acceptsTensorCountAtTheLimitAndRefusesOneMore() throws {
        func header(_ n: Int) -> String {
            "{" + (0..<n).map { "\"t\($0)\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[\($0),\($0 + 1)]}" }.joined(separator: ",") + "}"
        }
        let limits = SafeTensorsLimits(maxTensors: 4)
        #expect(try Self.open(CheckpointFixtures.withHeader(header(4), data: [1, 2, 3, 4]), limits: limits).entries.count == 4)
        #expect(throws: SafeTensorsError.tooManyTensors(count: 5, limit: 4)) {
            try Self.open(CheckpointFixtures.withHeader(header(5), data: [1, 2, 3, 4, 5]), limits: limits)
        }
    }
}
