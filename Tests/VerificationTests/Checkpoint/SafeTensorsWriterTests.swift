import Testing
import Verification

/// The header `SafeTensorsWriter` writes, byte for byte.
struct SafeTensorsWriterTests {
    /// Known answer: the header the writer's own escaper wrote before it went through
    /// `JSONText` (`\u0008` and `\u000c` spelled out, `/` and non-ASCII verbatim).
    @Test func writesHeaderByteForByte() {
        let bytes = SafeTensorsWriter.encode(
            [.init(name: "b/\u{08}é", shape: [1], floats: [1]), .init(name: "a\"\u{0C}", dtype: .u8, shape: [2], bytes: [7, 8])],
            metadata: ["z": "\n\t", "k": "v\u{01}"])
        let header = #"{"__metadata__":{"k":"v\u0001","z":"\n\t"},"a\"\u000c":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"#
            + #""b/\u0008é":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#
        var want = Array(header.utf8)
        while want.count % 8 != 0 { want.append(UInt8(ascii: " ")) }
        let n = want.count
        #expect(Array(bytes.prefix(8)) == (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) })
        #expect(Array(bytes[8..<(8 + n)]) == want)
        #expect(Array(bytes[(8 + n)...]) == [7, 8, 0, 0, 0x80, 0x3F])
    }
}
