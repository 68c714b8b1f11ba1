/// The digits tabular data set: examples of 64 integer features in 0...16 and a label in 0...9.
///
/// File format (scikit-learn's digits.csv): ASCII lines, each ending in "\n" (no "\r"), of
/// 65 comma-separated unsigned decimal integers without signs or spaces: the 64 features
/// (pixel intensities, row-major 8×8) then the label. Line i (0-based) is example i.
/// Loaded features are `Float(value) / 16` (exact in fp32), so they lie in [0, 1].
public struct TabularDataset: Sendable {
    /// Features per example.
    public static let featureCount = 64
    /// Largest raw feature value.
    public static let featureMax = 16
    /// Number of classes; labels are 0..<classes.
    public static let classes = 10

    /// (count, 64) scaled features, row-major.
    public let features: [Float]
    /// (count) labels.
    public let labels: [Int32]
    /// SHA-256 of the file bytes: the data set's identity in the protocol.
    public let digest: Digest

    /// Number of examples.
    public var count: Int { labels.count }

    /// Loads and parses the file at `path`.
    public init(path: String, limits: DatasetLimits = .init()) throws {
        try self.init(bytes: readFile(path, limit: limits.maxBytes), limits: limits)
    }

    /// Parses file bytes in the format above.
    public init(bytes: [UInt8], limits: DatasetLimits = .init()) throws {
        guard bytes.count <= limits.maxBytes else { throw DatasetError.tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        guard !bytes.isEmpty else { throw DatasetError.empty }
        guard bytes.last == UInt8(ascii: "\n") else { throw DatasetError.missingFinalNewline }
        let width = Self.featureCount + 1
        var features: [Float] = []
        var labels: [Int32] = []
        var fields: [Int] = []
        var line = 0
        var start = 0
        for end in bytes.indices where bytes[end] == UInt8(ascii: "\n") {
            guard labels.count < limits.maxExamples else { throw DatasetError.tooManyExamples(limit: limits.maxExamples) }
            fields.removeAll(keepingCapacity: true)
            var fieldStart = start
            for i in start...end where i == end || bytes[i] == UInt8(ascii: ",") {
                fields.append(try Self.parseField(bytes[fieldStart..<i], line: line, column: fields.count))
                fieldStart = i + 1
            }
            guard fields.count == width else { throw DatasetError.wrongFieldCount(line: line, got: fields.count, want: width) }
            for (column, value) in fields.prefix(Self.featureCount).enumerated() {
                guard value <= Self.featureMax else {
                    throw DatasetError.featureOutOfRange(line: line, column: column, value: value, max: Self.featureMax)
                }
                features.append(Float(value) / Float(Self.featureMax))
            }
            guard fields[Self.featureCount] < Self.classes else {
                throw DatasetError.labelOutOfRange(line: line, label: fields[Self.featureCount], classes: Self.classes)
            }
            labels.append(Int32(fields[Self.featureCount]))
            line += 1
            start = end + 1
        }
        self.features = features
        self.labels = labels
        digest = SHA256.hash(bytes)
    }

    /// An unsigned decimal of 1 to 9 digits.
    private static func parseField(_ text: ArraySlice<UInt8>, line: Int, column: Int) throws -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw DatasetError.malformedField(line: line, column: column, text: String(decoding: text.prefix(32), as: UTF8.self))
        }
        return text.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// The batch of the examples at `indices`, in that order (repeats allowed).
    public func batch(indices: [Int]) throws -> MLPBatch {
        var x: [Float] = []
        x.reserveCapacity(indices.count * Self.featureCount)
        var y: [Int32] = []
        y.reserveCapacity(indices.count)
        for i in indices {
            guard i >= 0 && i < count else { throw DatasetError.indexOutOfRange(index: i, count: count) }
            x += features[i * Self.featureCount..<(i + 1) * Self.featureCount]
            y.append(labels[i])
        }
        return MLPBatch(features: x, labels: y)
    }
}
