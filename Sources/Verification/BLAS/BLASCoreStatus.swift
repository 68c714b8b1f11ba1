internal import CBLAS

/// The OpenBLAS kernels this process runs and who chose them, with the CPU they run on: logged
/// by `verifier serve` at start, printed by `verifier version`, exported as `blas_core_info`.
public struct BLASCoreStatus: Sendable, Hashable, CustomStringConvertible {
    /// The kernels loaded, as OpenBLAS names them (`openblas_get_corename()`).
    public let core: String
    /// Who chose them.
    public let source: BLASCoreSource
    /// The CPU.
    public let cpu: CPUFeatures
    /// The core the decision asked for when this process did not load it (it should have
    /// re-executed and did not, or could not); nil otherwise.
    public let wanted: String?

    public init(core: String, decision: BLASCoreDecision, cpu: CPUFeatures) {
        self.core = core
        self.cpu = cpu
        switch decision {
        case let .keep(source):
            self.source = source
            wanted = nil
        case let .reexecute(coreType, _):
            source = .library
            wanted = coreType
        }
    }

    /// The name of the kernels OpenBLAS loaded in this process, e.g. "Haswell", "Prescott".
    public static func libraryCore() -> String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// One line of key=value pairs: `core=Haswell source=library cpu=avx2-fma kernels=avx2-fma
    /// vendor=AuthenticAMD family=23 model=49`, with `replaced=<core>` after a correction and
    /// `wanted=<core>` when a needed correction did not happen; `kernels` is this project's own
    /// kernels' `KernelLevel.current`.
    public var description: String {
        var fields = ["core=\(core)", "source=\(source)"]
        if case let .corrected(from) = source { fields.append("replaced=\(from)") }
        if let wanted { fields.append("wanted=\(wanted)") }
        fields += ["cpu=\(cpu.vectorClass)", "kernels=\(KernelLevel.current)", "vendor=\(cpu.vendor.isEmpty ? "unknown" : cpu.vendor)",
                   "family=\(cpu.family)", "model=\(cpu.model)"]
        return fields.joined(separator: " ")
    }
}
