/// Why a data set file or a batch request was refused.
public enum DatasetError: Error, Equatable, Sendable {
    case cannotRead(path: String)
    case tooLarge(bytes: Int, limit: Int)
    case tooManyExamples(limit: Int)
    case empty
    case missingFinalNewline
    case wrongFieldCount(line: Int, got: Int, want: Int)
    case malformedField(line: Int, column: Int, text: String)
    case featureOutOfRange(line: Int, column: Int, value: Int, max: Int)
    case labelOutOfRange(line: Int, label: Int, classes: Int)
    case indexOutOfRange(index: Int, count: Int)
    case contextTooLong(T: Int, fileBytes: Int)
    /// A token file (llm.c format) whose header does not describe it.
    case tokenHeader(reason: String)
}

/// Limits applied when loading a data set file.
public struct DatasetLimits: Sendable, Hashable {
    /// Maximum size in bytes of a data set file. Default 64 MiB.
    public var maxBytes: Int
    /// Maximum number of examples (lines) in a tabular file. Default 1,000,000.
    public var maxExamples: Int

    public init(maxBytes: Int = 64 << 20, maxExamples: Int = 1_000_000) {
        self.maxBytes = maxBytes
        self.maxExamples = maxExamples
    }
}

/// Reads a whole file, refusing it before reading when it exceeds `limit` bytes.
func readFile(_ path: String, limit: Int) throws -> [UInt8] {
    let file: MappedFile
    do { file = try MappedFile(path: path) } catch { throw DatasetError.cannotRead(path: path) }
    guard file.count <= limit else { throw DatasetError.tooLarge(bytes: file.count, limit: limit) }
    return [UInt8](file.bytes)
}
