import Testing
import Verification

/// A header read on its own takes the data buffer to end where its last tensor ends.
struct SafeTensorsHeaderTests {
    static func header(_ json: String) throws -> SafeTensorsHeader {
        try SafeTensorsHeader(json: Array(json.utf8))
    }

    @Test func readsEntriesWithAbsoluteRanges() throws {
        let bytes = SafeTensorsWriter.encode([.init(name: "b", shape: [2], floats: [1, 2]), .init(name: "a", shape: [1], floats: [3])],
                                             metadata: ["format": "pt"])
        let length = try SafeTensorsHeader.headerLength(prefix: Array(bytes.prefix(8)))
        let header = try SafeTensorsHeader(json: Array(bytes[8..<(8 + length)]))
        #expect(header.dataOffset == 8 + length)
        #expect(header.metadata == ["format": "pt"])
        #expect(header.entries.map(\.name) == ["a", "b"])
        #expect(header.entry("b")?.byteRange == (8 + length + 4)..<(8 + length + 12))
    }

    @Test func refusesGapsButNotTheUnknownFileEnd() throws {
        let a = #""a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}"#
        #expect(try Self.header("{" + a + #","b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#).entries.count == 2)
        #expect(throws: SafeTensorsError.gapOrTrailingBytes(at: 4)) {
            try Self.header("{" + a + #","b":{"dtype":"U8","shape":[2],"data_offsets":[5,7]}}"#)
        }
        #expect(throws: SafeTensorsError.gapOrTrailingBytes(at: 0)) {
            try Self.header(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#)
        }
    }

    @Test func refusesDuplicateNamesAndNonObjects() {
        #expect(throws: SafeTensorsError.self) {
            try Self.header(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#)
        }
        #expect(throws: SafeTensorsError.invalidHeaderJSON("header is not a JSON object")) { try Self.header("[]") }
    }
}
