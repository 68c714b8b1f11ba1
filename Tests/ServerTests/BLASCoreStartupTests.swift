import Foundation
import TestSupport
import Testing
import Verification

/// The real binary's choice of OpenBLAS kernels at start: nothing changes when the library's
/// detection is right, an operator's `OPENBLAS_CORETYPE` is obeyed, and a misdetection
/// (simulated: `OPENBLAS_CORETYPE=Prescott` with `VERIFIER_BLAS_SIMULATE_MISDETECTION=1`) makes
/// the process re-execute itself with the core the CPU deserves, which `verifier version`,
/// the serve log and `/metrics` report.
struct BLASCoreStartupTests {
    /// Runs `verifier` with `environment` added to a copy of the test's own, without any
    /// OpenBLAS or BLAS setting inherited; returns status, standard output and standard error.
    private func verifier(_ arguments: [String], _ environment: [String: String]) throws -> (Int32, String, String) {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPENBLAS_") && !$0.key.hasPrefix("VERIFIER_BLAS_") }
        for (key, value) in environment { env[key] = value }
        let result = try Subprocess.run(Repository.binary, arguments, environment: env)
        return (result.status, result.stdout, result.stderr)
    }

    /// The `blas` line of `verifier version` as key=value fields.
    private func blasFields(_ environment: [String: String]) throws -> [String: String] {
        let (status, output, errors) = try verifier(["version"], environment)
        #expect(status == 0, "\(errors)")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("blas ") })
        return Dictionary(uniqueKeysWithValues: line.split(separator: " ").dropFirst().map {
            let pair = $0.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
    }

    /// The core this CPU should run; the test needs AVX2 and FMA to see a correction at all.
    private func preferredCore() throws -> String {
        try #require(BLASCoreDecision.preferredCore(for: .current()), "this CPU has no AVX2+FMA: nothing to correct")
    }

    @Test func correctDetectionIsKept() throws {
        let fields = try blasFields([:])
        #expect(fields["source"] == "library")
        #expect(fields["replaced"] == nil && fields["wanted"] == nil)
        #expect(fields["cpu"] == CPUFeatures.current().vectorClass.description)
    }

    @Test func ownKernelsTakeTheAVX2PathUnderAnAVX2Core() throws {
        let supported = KernelLevel.supported
        #expect(try blasFields([:])["kernels"] == supported.description)
        try #require(supported >= .avx2FMA, "this CPU has no AVX2+FMA: no path to choose")
        #expect(try blasFields(["OPENBLAS_CORETYPE": "Haswell"])["kernels"] == "avx2-fma")
        // A generic core (as after a misdetection the operator kept) does not slow them down.
        #expect(try blasFields(["OPENBLAS_CORETYPE": "Prescott"])["kernels"] == supported.description)
    }

    @Test func operatorCoreTypeIsObeyedWithoutReexecution() throws {
        let fields = try blasFields(["OPENBLAS_CORETYPE": "Prescott"])
        #expect(fields["core"] == "Prescott" && fields["source"] == "operator")
    }

    @Test func misdetectedCoreIsReplacedByReexecution() throws {
        let want = try preferredCore()
        let fields = try blasFields(["OPENBLAS_CORETYPE": "Prescott", "VERIFIER_BLAS_SIMULATE_MISDETECTION": "1"])
        #expect(fields["source"] == "corrected" && fields["replaced"] == "Prescott")
        #expect(fields["core"]?.lowercased() == want.lowercased())
    }

    @Test func settingLoadsTheNamedCoreOrIsRefused() throws {
        let fields = try blasFields(["VERIFIER_BLAS_CORETYPE": "Sandybridge"])
        #expect(fields["core"] == "Sandybridge" && fields["source"] == "setting")
        let (status, _, errors) = try verifier(["version"], ["VERIFIER_BLAS_CORETYPE": "Pentium4"])
        #expect(status == 2)
        #expect(errors.contains("VERIFIER_BLAS_CORETYPE: unknown OpenBLAS core \"Pentium4\""))
    }

    @Test func serveLogsAndExportsTheCorrectedCore() throws {
        let want = try preferredCore()
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("blas-core").path,
                                         environment: ["OPENBLAS_CORETYPE": "Prescott", "VERIFIER_BLAS_SIMULATE_MISDETECTION": "1",
                                                       "VERIFIER_WORKERS": "0"])
        let line = try service.waitForLine(timeout: 10) { $0.contains("event=blas_core") }
        #expect(line.contains("source=corrected replaced=Prescott wanted=none"), "\(line)")
        let core = try #require(line.split(separator: " ").first { $0.hasPrefix("core=") }?.dropFirst(5))
        #expect(core.lowercased() == want.lowercased())
        let metrics = try Curl.get(service.url + "/metrics").text
        #expect(metrics.contains("blas_core_info{core=\"\(core)\",source=\"corrected\"} 1"), "\(metrics)")
        #expect(service.terminate() == 0)
    }
}
