/// Why a parameter vector could not be committed to or opened.
public enum CommitmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Commitments cover fp32 parameters only.
    case notFloat32(tensor: String, dtype: SafeTensorsDType)
    /// A parameter is NaN or infinite; `element` is its row-major index within the tensor.
    case nonFinite(tensor: String, element: Int, bits: UInt32)
    /// A leaf index outside [0, leafCount).
    case leafIndexOutOfRange(index: Int, leafCount: Int)

    public var description: String {
        switch self {
        case let .notFloat32(tensor, dtype):
            return "tensor \(tensor) has dtype \(dtype.rawValue); commitments cover F32 tensors only"
        case let .nonFinite(tensor, element, bits):
            return "tensor \(tensor) element \(element) is not finite (bits 0x\(String(bits, radix: 16)))"
        case let .leafIndexOutOfRange(index, leafCount):
            return "leaf index \(index) is out of range for \(leafCount) leaves"
        }
    }
}
