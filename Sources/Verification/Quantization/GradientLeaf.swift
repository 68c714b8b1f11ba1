/// One Merkle leaf of a quantized gradient: the blocks covering exactly the parameters of
/// weight leaf i (1024 parameters, the last leaf may be shorter).
///
/// Serialized bytes: the leaf's ceil(m / 64) scales as fp32 little-endian, followed by its
/// ceil(m / 2) packed code bytes, where m is the leaf's parameter count. A full leaf is
/// 16 * 4 + 512 = 576 bytes.
public struct GradientLeaf: Sendable, Hashable {
    /// Parameters per leaf, the same as a weight leaf (4 KiB of fp32).
    public static let parametersPerLeaf = 1024
    /// Blocks per full leaf: 1024 / 64.
    public static let blocksPerLeaf = parametersPerLeaf / QuantizedGradient.blockSize

    /// Parameters m covered by the leaf, 1...1024.
    public let parameterCount: Int
    /// The leaf's block scales, ceil(m / 64) of them.
    public let scales: [Float]
    /// The leaf's packed codes, ceil(m / 2) bytes, low nibble first.
    public let packedCodes: [UInt8]

    /// Serialized size of a leaf of `parameters` parameters: 4 * ceil(m / 64) + ceil(m / 2).
    public static func byteCount(parameters: Int) -> Int {
        4 * QuantizedGradient.blockCount(parameters: parameters) + QuantizedGradient.packedByteCount(parameters: parameters)
    }

    /// Parses and validates serialized leaf bytes covering `parameterCount` parameters, as
    /// opened from a Merkle proof. Refuses the same malformations as `QuantizedGradient`.
    public init(bytes: [UInt8], parameterCount: Int) throws {
        guard parameterCount >= 1 && parameterCount <= Self.parametersPerLeaf else {
            throw QuantizationError.invalidLeafParameterCount(parameterCount)
        }
        let want = Self.byteCount(parameters: parameterCount)
        guard bytes.count == want else { throw QuantizationError.leafByteCountMismatch(got: bytes.count, want: want) }
        let blocks = QuantizedGradient.blockCount(parameters: parameterCount)
        let scales = (0..<blocks).map { b in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(bytes[4 * b + k]) << (8 * UInt32(k)) }
            return Float(bitPattern: bits)
        }
        let packed = Array(bytes[(4 * blocks)...])
        try QuantizedGradient.validate(parameterCount: parameterCount, scales: scales, packedCodes: packed)
        self.init(unchecked: parameterCount, scales: scales, packedCodes: packed)
    }

    init(unchecked parameterCount: Int, scales: [Float], packedCodes: [UInt8]) {
        self.parameterCount = parameterCount
        self.scales = scales
        self.packedCodes = packedCodes
    }

    /// The serialized leaf: scales (fp32 little-endian) then packed codes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount(parameters: parameterCount))
        for scale in scales {
            let bits = scale.bitPattern
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(k)))) }
        }
        out += packedCodes
        return out
    }

    /// The code of the leaf's parameter `index`, in -7...7. Requires 0 <= index < parameterCount.
    public func code(at index: Int) -> Int {
        precondition(index >= 0 && index < parameterCount, "parameter \(index) outside 0..<\(parameterCount)")
        return QuantizedGradient.decodeNibble(packedCodes[index >> 1] >> UInt8((index & 1) * 4))
    }
}

extension QuantizedGradient {
    /// Number of Merkle leaves for `parameters` parameters: ceil(parameters / 1024).
    public static func leafCount(parameters: Int) -> Int {
        (parameters + GradientLeaf.parametersPerLeaf - 1) / GradientLeaf.parametersPerLeaf
    }

    /// Parameters of the canonical vector covered by leaf `index` (weight or gradient).
    /// Requires 0 <= index < leafCount(parameters:).
    public static func leafRange(_ index: Int, parameters: Int) -> Range<Int> {
        let start = index * GradientLeaf.parametersPerLeaf
        return start..<Swift.min(start + GradientLeaf.parametersPerLeaf, parameters)
    }

    /// Number of Merkle leaves of this gradient.
    public var leafCount: Int { Self.leafCount(parameters: parameterCount) }

    /// Leaf `index`: the blocks and code bytes covering the parameters of weight leaf `index`.
    public func leaf(_ index: Int) throws -> GradientLeaf {
        guard index >= 0 && index < leafCount else {
            throw QuantizationError.leafIndexOutOfRange(index: index, leafCount: leafCount)
        }
        // 1024 is a multiple of both 64 and 2, so a leaf starts on a block and a byte boundary.
        let range = Self.leafRange(index, parameters: parameterCount)
        let firstBlock = range.lowerBound / Self.blockSize
        let firstByte = range.lowerBound / 2
        return GradientLeaf(
            unchecked: range.count,
            scales: Array(scales[firstBlock..<(firstBlock + Self.blockCount(parameters: range.count))]),
            packedCodes: Array(packedCodes[firstByte..<(firstByte + Self.packedByteCount(parameters: range.count))]))
    }

    /// The serialized bytes of leaf `index`, the input of the Merkle leaf hash.
    public func leafBytes(_ index: Int) throws -> [UInt8] {
        try leaf(index).bytes
    }
}
