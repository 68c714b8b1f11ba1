internal import Foundation
internal import Verification

/// Makes the process run the OpenBLAS kernels its CPU can use before any command starts: when
/// `BLASCoreDecision` says so, the process re-executes itself with `OPENBLAS_CORETYPE` set.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when it loads (before `main`), so setting it later
/// in the same process changes nothing; a new image of the same binary with the same arguments
/// loads the library afresh. The parent leaves `VERIFIER_BLAS_CORE_REPLACED` in the
/// environment, so the new process never re-executes again and reports the correction.
enum BLASCoreStartup {
    /// The setting: `auto` (default), `library`, or an OpenBLAS core name (docs/configuration.md).
    static let settingVariable = "VERIFIER_BLAS_CORETYPE"
    /// Set when re-executing, to the core that was replaced.
    static let markerVariable = "VERIFIER_BLAS_CORE_REPLACED"
    /// Test knob: an `OPENBLAS_CORETYPE` without the marker counts as OpenBLAS's own detection.
    static let simulateVariable = "VERIFIER_BLAS_SIMULATE_MISDETECTION"

    /// The decision for a process with `environment` on `cpu` whose library loaded `libraryCore`.
    static func decision(environment: [String: String], cpu: CPUFeatures,
                         libraryCore: String) throws(BLASCoreSettingError) -> BLASCoreDecision {
        let setting = try BLASCoreSetting(parsing: environment[settingVariable] ?? "auto", cpu: cpu)
        return BLASCoreDecision.decide(libraryCore: libraryCore, cpu: cpu, setting: setting,
                                       operatorCoreType: environment["OPENBLAS_CORETYPE"],
                                       replaced: environment[markerVariable],
                                       treatCoreTypeAsLibrary: ["1", "true", "yes", "on"].contains(environment[simulateVariable] ?? ""))
    }

    /// Re-executes this binary with the same arguments when the decision asks for other
    /// kernels; returns only when the process keeps the ones it has (or the re-execution
    /// failed, which `status` then reports as `wanted`). Throws a refused setting.
    static func reexecuteIfNeeded() throws(BLASCoreSettingError) {
        let decision = try decision(environment: ProcessInfo.processInfo.environment, cpu: .current(),
                                    libraryCore: BLASCoreStatus.libraryCore())
        guard case let .reexecute(coreType, replacing) = decision else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv(markerVariable, replacing, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: the image could not be replaced; carry on with the kernels loaded.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(markerVariable)
    }

    /// This process's kernels and who chose them (a refused setting counts as `auto`; the
    /// process has exited before anything reads this).
    static let status: BLASCoreStatus = {
        let (cpu, core) = (CPUFeatures.current(), BLASCoreStatus.libraryCore())
        let environment = ProcessInfo.processInfo.environment
        var withoutSetting = environment
        withoutSetting[settingVariable] = nil
        let chosen = (try? Self.decision(environment: environment, cpu: cpu, libraryCore: core))
            ?? (try? Self.decision(environment: withoutSetting, cpu: cpu, libraryCore: core))
        return BLASCoreStatus(core: core, decision: chosen ?? .keep(source: .library), cpu: cpu)
    }()
}
