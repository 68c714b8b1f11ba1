import Foundation
import TestSupport
import Testing
import Verification

/// Paths of the data files scripts/setup builds.
enum DataFiles {
    static let root = Repository.url("data")
    static let digitsDigest = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
    static let shakespeareDigest = "64d0f3aab6c2b9b92ced74b927a209a7fae861daf9d7ea72ede67519b43d83fe"

    /// The path of `name`, failing the test with a hint when setup has not been run.
    static func path(_ name: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path): run scripts/setup")
        return path
    }
}

struct DatasetTests {
    /// One valid digits line: features 0, 1, …, 16, 0, 1, … and the given label.
    private func line(label: Int) -> String {
        ((0..<64).map { String($0 % 17) } + [String(label)]).joined(separator: ",") + "\n"
    }

    @Test func loadsPinnedDigitsFile() throws {
        let data = try TabularDataset(path: DataFiles.path("digits.csv"))
        #expect(data.digest.hex == DataFiles.digitsDigest)
        #expect(data.count == 1797)
        #expect(data.features.count == 1797 * 64)
        #expect(data.features.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(data.labels) == Set(0...9))
        // First line of digits.csv: 0,0,5,13,9,1,0,0,… label 0.
        let firstRaw: [Float] = [0, 0, 5, 13, 9, 1]
        #expect(Array(data.features[0..<6]) == firstRaw.map { $0 / 16 })
        #expect(data.labels[0] == 0)
    }

    @Test func batchGathersExamplesInIndexOrder() throws {
        let data = try TabularDataset(bytes: Array((line(label: 3) + line(label: 7)).utf8))
        let batch = try data.batch(indices: [1, 0, 1])
        #expect(batch.labels == [7, 3, 7])
        #expect(batch.features.count == 3 * 64)
        let sixteenth: Float = 1.0 / 16
        #expect(batch.features[1] == sixteenth)
        #expect(batch.features[16] == 1)
        #expect(throws: DatasetError.indexOutOfRange(index: 2, count: 2)) { try data.batch(indices: [2]) }
        #expect(throws: DatasetError.indexOutOfRange(index: -1, count: 2)) { try data.batch(indices: [-1]) }
    }

    @Test func refusesMalformedTabularFiles() {
        let good = line(label: 1)
        let cases: [(String, DatasetError)] = [
            ("", .empty),
            (String(good.dropLast()), .missingFinalNewline),
            (good.replacingOccurrences(of: ",1\n", with: ",1,2\n"), .wrongFieldCount(line: 0, got: 66, want: 65)),
            (good + good.replacingOccurrences(of: "0,1,", with: "0,-1,"), .malformedField(line: 1, column: 1, text: "-1")),
            (good.replacingOccurrences(of: "\n", with: "\r\n"), .malformedField(line: 0, column: 64, text: "1\r")),
            ("17," + good.dropFirst(2), .featureOutOfRange(line: 0, column: 0, value: 17, max: 16)),
            (line(label: 10), .labelOutOfRange(line: 0, label: 10, classes: 10)),
        ]
        for (text, error) in cases {
            #expect(throws: error) { try TabularDataset(bytes: Array(text.utf8)) }
        }
    }

    @Test func tabularLimitsAcceptNAndRefuseNPlusOne() throws {
        let bytes = Array((line(label: 0) + line(label: 1)).utf8)
        #expect(try TabularDataset(bytes: bytes, limits: .init(maxBytes: bytes.count, maxExamples: 2)).count == 2)
        #expect(throws: DatasetError.tooLarge(bytes: bytes.count, limit: bytes.count - 1)) {
            try TabularDataset(bytes: bytes, limits: .init(maxBytes: bytes.count - 1))
        }
        #expect(throws: DatasetError.tooManyExamples(limit: 1)) {
            try TabularDataset(bytes: bytes, limits: .init(maxExamples: 1))
        }
    }

    @Test func loadsPinnedShakespeareFile() throws {
        let text = try TextDataset(path: DataFiles.path("shakespeare.txt"))
        #expect(text.digest.hex == DataFiles.shakespeareDigest)
        #expect(text.bytes.count == 5_057_240)
        #expect(text.exampleCount(T: 64) == 5_057_240 - 64)
    }

    @Test func textExamplesAreShiftedWindows() throws {
        let text = try TextDataset(bytes: Array("abcdef".utf8))
        #expect(text.exampleCount(T: 3) == 3)
        let batch = try text.batch(indices: [2, 0], T: 3)
        #expect(batch.inputs == Array("cdeabc".utf8).map(Int32.init))
        #expect(batch.targets == Array("defbcd".utf8).map(Int32.init))
        #expect(throws: DatasetError.indexOutOfRange(index: 3, count: 3)) { try text.batch(indices: [3], T: 3) }
        #expect(throws: DatasetError.contextTooLong(T: 6, fileBytes: 6)) { try text.batch(indices: [0], T: 6) }
        #expect(try text.batch(indices: [0], T: 5).targets.last == Int32(UInt8(ascii: "f")))
    }

    @Test func textLimitAcceptsNAndRefusesNPlusOne() throws {
        let bytes = [UInt8](repeating: 65, count: 100)
        #expect(try TextDataset(bytes: bytes, limits: .init(maxBytes: 100)).bytes.count == 100)
        #expect(throws: DatasetError.tooLarge(bytes: 100, limit: 99)) { try TextDataset(bytes: bytes, limits: .init(maxBytes: 99)) }
        #expect(throws: DatasetError.empty) { try TextDataset(bytes: []) }
    }
}
