/// The operator's choice of OpenBLAS kernels (`VERIFIER_BLAS_CORETYPE`).
public enum BLASCoreSetting: Sendable, Hashable {
    /// Replace a generic core on a better CPU (`auto`, the default).
    case automatic
    /// Keep whatever OpenBLAS chose (`library`).
    case library
    /// Load this core (an OpenBLAS name such as `SkylakeX`, `Haswell`).
    case core(String)

    /// Parses `auto`, `library` or an OpenBLAS x86-64 core name (any case), refusing a name the
    /// table does not know and a core whose instructions `cpu` lacks (it would crash on the
    /// first call).
    public init(parsing text: String, cpu: CPUFeatures) throws(BLASCoreSettingError) {
        switch text.lowercased() {
        case "", "auto": self = .automatic
        case "library": self = .library
        default:
            guard let needs = BLASCoreDecision.vectorClass(ofCore: text) else {
                throw .unknownCore(text, known: BLASCoreDecision.coreClasses.keys.sorted())
            }
            guard needs <= cpu.vectorClass else { throw .unsupportedByCPU(core: text, needs: needs, cpu: cpu.vectorClass) }
            self = .core(text)
        }
    }
}

/// Why a `VERIFIER_BLAS_CORETYPE` value was refused.
public enum BLASCoreSettingError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownCore(String, known: [String])
    case unsupportedByCPU(core: String, needs: CPUVectorClass, cpu: CPUVectorClass)

    public var description: String {
        switch self {
        case let .unknownCore(name, known):
            "unknown OpenBLAS core \"\(name)\"; use auto, library or one of \(known.joined(separator: ", "))"
        case let .unsupportedByCPU(core, needs, cpu):
            "OpenBLAS core \(core) needs \(needs) instructions; this CPU offers \(cpu)"
        }
    }
}
