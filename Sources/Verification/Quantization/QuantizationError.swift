/// Why a gradient, a quantized gradient, one of its leaves or an update was refused.
///
/// Float values are carried as their IEEE 754 bit patterns so that NaN payloads and the sign
/// of zero survive into logs and compare equal in tests.
public enum QuantizationError: Error, Equatable, Sendable {
    /// A gradient must have at least one parameter.
    case emptyGradient
    /// The gradient holds a NaN or an infinity at `index`; such a gradient is refused, not quantized.
    case nonFiniteGradient(index: Int, bitPattern: UInt32)
    /// The number of block scales does not match the parameter count.
    case scaleCountMismatch(got: Int, want: Int)
    /// The number of packed code bytes does not match the parameter count.
    case packedByteCountMismatch(got: Int, want: Int)
    /// A scale is NaN, infinite or negative (including -0.0).
    case invalidScale(block: Int, bitPattern: UInt32)
    /// A nibble is 0x8 (-8), outside the code range -7...7.
    case invalidCode(parameter: Int, nibble: UInt8)
    /// A block with scale 0 carries a non-zero code; the quantizer always writes 0 there.
    case codeInZeroBlock(parameter: Int, nibble: UInt8)
    /// With an odd parameter count the last byte's high nibble must be 0.
    case nonZeroPadding(nibble: UInt8)
    /// A leaf holds between 1 and 1024 parameters.
    case invalidLeafParameterCount(Int)
    /// A leaf index outside 0..<leafCount.
    case leafIndexOutOfRange(index: Int, leafCount: Int)
    /// The serialized leaf does not have the size its parameter count implies.
    case leafByteCountMismatch(got: Int, want: Int)
    /// The weights and the gradient cover different numbers of parameters.
    case parameterCountMismatch(got: Int, want: Int)
    /// The learning rate is NaN or infinite.
    case invalidLearningRate(bitPattern: UInt32)
    /// A replay needs a step count of at least 0.
    case negativeStepCount(Int)
}
