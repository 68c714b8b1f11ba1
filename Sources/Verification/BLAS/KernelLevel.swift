internal import CKernels

/// The build of this project's own vector kernels (the packed GEMM and attention, GELU,
/// softmax, LayerNorm in Sources/CKernels) that the process runs.
///
/// The kernels pick the widest build the CPU supports, but never a wider one than the OpenBLAS
/// core loaded when that core is AVX2 class or better: `OPENBLAS_CORETYPE=Haswell` (or the
/// `VERIFIER_BLAS_CORETYPE` setting) then runs the whole encoder on the AVX2 path, as on a CPU
/// without AVX-512, and one setting chooses the path for both. A generic core below AVX2 (a
/// misdetection, docs/configuration.md) does not lower them. AVX2 + FMA and AVX-512 give the
/// same bits, so the choice changes speed only.
public enum KernelLevel: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    case baseline = 0
    case avx2FMA = 1
    case avx512 = 2

    public static func < (a: KernelLevel, b: KernelLevel) -> Bool { a.rawValue < b.rawValue }

    /// "baseline", "avx2-fma", "avx512" (the `kernels=` field of `BLASCoreStatus`).
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx2FMA: "avx2-fma"
        case .avx512: "avx512"
        }
    }

    /// The level the kernels run now.
    public static var current: KernelLevel { KernelLevel(rawValue: Int(kernels_vector_level())) ?? .baseline }

    /// The widest level this CPU and system support.
    public static var supported: KernelLevel { KernelLevel(rawValue: Int(kernels_vector_level_supported())) ?? .baseline }

    /// The cap that running OpenBLAS core `name` puts on the kernels, nil for none: the core's
    /// own vector class when it is AVX2 + FMA or wider; none for a generic or unknown core.
    /// Pure.
    public static func limit(forOpenBLASCore name: String) -> KernelLevel? {
        switch BLASCoreDecision.vectorClass(ofCore: name) {
        case .avx2FMA: .avx2FMA
        case .avx512, .avx512BF16: .avx512
        case .baseline, .avx, nil: nil
        }
    }

    /// Caps the kernels by the OpenBLAS core this process loaded (`limit(forOpenBLASCore:)`).
    /// Called once at start, before any command runs.
    public static func followOpenBLAS(core: String = BLASCoreStatus.libraryCore()) {
        if let limit = limit(forOpenBLASCore: core) { kernels_limit_vector_level(Int32(limit.rawValue)) }
    }
}
