/// What to do at process start about the kernels OpenBLAS chose: keep them, or re-execute the
/// process with `OPENBLAS_CORETYPE` set so that the library loads others.
///
/// OpenBLAS picks its kernels from the CPU model when the library loads, and an unknown model
/// can leave it on a generic core: Debian's 0.3.21 runs its SSE3 Prescott kernels on some
/// Sapphire Rapids guests, three times slower than SkylakeX (docs/poq.md). The variable is
/// read only at load, so the one way to change the kernels is a new process image.
public enum BLASCoreDecision: Sendable, Hashable {
    /// Run with the kernels loaded; `source` says who chose them.
    case keep(source: BLASCoreSource)
    /// Re-execute with `OPENBLAS_CORETYPE=coreType` (and the marker naming `replacing`).
    case reexecute(coreType: String, replacing: String)

    /// The decision for a process whose OpenBLAS reports `libraryCore`
    /// (`openblas_get_corename()`) on `cpu`. Pure: it reads nothing else.
    ///
    /// - `operatorCoreType`: `OPENBLAS_CORETYPE` as found in the environment, nil when unset.
    /// - `replaced`: the marker this process's parent set when it re-executed (the core it
    ///   replaced), nil in a first process. A process never re-executes twice.
    /// - `treatCoreTypeAsLibrary`: test knob; an `operatorCoreType` without the marker counts as
    ///   OpenBLAS's own detection, so forcing `OPENBLAS_CORETYPE=Prescott` stands for a CPU the
    ///   library did not recognise.
    ///
    /// Rules, in order: after a re-execution, keep. An explicit `OPENBLAS_CORETYPE` wins. The
    /// setting `library` keeps the library's choice; a named core is loaded unless it already
    /// is. `automatic` re-executes only when the library chose a generic core (a known name of
    /// the baseline or AVX classes) on a CPU with AVX2 and FMA or better, asking for the best
    /// core the CPU runs (`preferredCore(for:)`); any other name, and any unknown one, is kept.
    public static func decide(libraryCore: String, cpu: CPUFeatures, setting: BLASCoreSetting, operatorCoreType: String?,
                              replaced: String?, treatCoreTypeAsLibrary: Bool = false) -> BLASCoreDecision {
        if let replaced {
            if case .core = setting { return .keep(source: .setting) }
            return .keep(source: .corrected(from: replaced))
        }
        if operatorCoreType != nil, !treatCoreTypeAsLibrary { return .keep(source: .operatorVariable) }
        switch setting {
        case .library:
            return .keep(source: .library)
        case let .core(name):
            return name.lowercased() == libraryCore.lowercased()
                ? .keep(source: .setting) : .reexecute(coreType: name, replacing: libraryCore)
        case .automatic:
            guard let chosen = vectorClass(ofCore: libraryCore), chosen < .avx2FMA,
                  let better = preferredCore(for: cpu) else { return .keep(source: .library) }
            return .reexecute(coreType: better, replacing: libraryCore)
        }
    }

    /// The core to ask for on `cpu`: Cooperlake with AVX-512 BF16, SkylakeX with AVX-512, Zen
    /// (AMD, Hygon) or Haswell (others) with AVX2 and FMA; nil below that, where OpenBLAS's
    /// generic kernels are what there is.
    ///
    /// OpenBLAS 0.3.21 does not accept the name Cooperlake in `OPENBLAS_CORETYPE` but then
    /// chooses by CPU features, which gives Cooperlake on such a CPU; later versions accept it.
    public static func preferredCore(for cpu: CPUFeatures) -> String? {
        switch cpu.vectorClass {
        case .avx512BF16: "Cooperlake"
        case .avx512: "SkylakeX"
        case .avx2FMA: ["AuthenticAMD", "HygonGenuine"].contains(cpu.vendor) ? "Zen" : "Haswell"
        case .avx, .baseline: nil
        }
    }

    /// The instructions the x86-64 kernels of OpenBLAS core `name` use (case-insensitive), nil
    /// for a name this table does not know (another architecture's, or a newer one).
    public static func vectorClass(ofCore name: String) -> CPUVectorClass? {
        coreClasses[name.lowercased()]
    }

    /// OpenBLAS's x86-64 core names (driver/others/dynamic.c), lower case, by class.
    static let coreClasses: [String: CPUVectorClass] = {
        var table: [String: CPUVectorClass] = [:]
        for name in ["katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
                     "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat"] { table[name] = .baseline }
        for name in ["sandybridge", "bulldozer", "piledriver", "steamroller", "excavator"] { table[name] = .avx }
        for name in ["haswell", "zen"] { table[name] = .avx2FMA }
        table["skylakex"] = .avx512
        for name in ["cooperlake", "sapphirerapids"] { table[name] = .avx512BF16 }
        return table
    }()
}

/// Who chose the OpenBLAS kernels a process runs.
public enum BLASCoreSource: Sendable, Hashable, CustomStringConvertible {
    /// OpenBLAS's own detection, kept.
    case library
    /// `OPENBLAS_CORETYPE`, set by the operator.
    case operatorVariable
    /// The `VERIFIER_BLAS_CORETYPE` setting naming a core.
    case setting
    /// This service, after OpenBLAS chose the generic core `from` on a better CPU.
    case corrected(from: String)

    /// "library", "operator", "setting" or "corrected" (the metric's `source` label).
    public var description: String {
        switch self {
        case .library: "library"
        case .operatorVariable: "operator"
        case .setting: "setting"
        case .corrected: "corrected"
        }
    }
}
