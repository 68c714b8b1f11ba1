import Foundation
import TestSupport
import Testing
import Verification

/// The choice of OpenBLAS kernels at start, on recorded and documented CPUID/corename pairs
/// (Tests/Fixtures/blas/cpuid-corename.json), and the precedence of the operator's settings.
struct BLASCoreDecisionTests {
    struct Fixture: Decodable {
        struct Record: Decodable {
            let name, origin, vendor, signature, leaf1ECX, leaf7EBX, leaf7Subleaf1EAX, xcr0: String
            let libraryCore, vectorClass, expect: String

            var cpu: CPUFeatures {
                func hex(_ text: String) -> UInt64 { UInt64(text.dropFirst(2), radix: 16)! }
                return CPUFeatures(vendor: vendor, signature: UInt32(hex(signature)), leaf1ECX: UInt32(hex(leaf1ECX)),
                                   leaf7EBX: UInt32(hex(leaf7EBX)), leaf7Subleaf1EAX: UInt32(hex(leaf7Subleaf1EAX)), xcr0: hex(xcr0))
            }
        }
        let records: [Record]
    }

    static let fixture: Fixture = {
        try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Repository.url("Tests/Fixtures/blas/cpuid-corename.json")))
    }()

    static let zen4 = fixture.records.first { $0.name == "amd-epyc-zen4-kvm" }!.cpu
    static let zen2 = fixture.records.first { $0.name == "amd-epyc-zen2" }!.cpu

    @Test(arguments: fixture.records.map(\.name))
    func recordedPairGetsItsDecision(_ name: String) throws {
        let record = try #require(Self.fixture.records.first { $0.name == name })
        #expect(record.cpu.vectorClass.description == record.vectorClass, "\(record.origin)")
        let decision = BLASCoreDecision.decide(libraryCore: record.libraryCore, cpu: record.cpu, setting: .automatic,
                                               operatorCoreType: nil, replaced: nil)
        let want: BLASCoreDecision = record.expect == "keep"
            ? .keep(source: .library) : .reexecute(coreType: record.expect, replacing: record.libraryCore)
        #expect(decision == want, "\(record.origin)")
    }

    @Test func familyAndModelDecodeTheSignature() {
        #expect(Self.zen4.family == 25 && Self.zen4.model == 17)
        #expect(Self.zen2.family == 23 && Self.zen2.model == 49)
        let sapphireRapids = Self.fixture.records.first { $0.name == "intel-xeon-sapphire-rapids-kvm" }!.cpu
        #expect(sapphireRapids.family == 6 && sapphireRapids.model == 0x8F)
    }

    @Test func explicitCoreTypeFromTheOperatorAlwaysWins() {
        for setting in [BLASCoreSetting.automatic, .library, .core("SkylakeX")] {
            #expect(BLASCoreDecision.decide(libraryCore: "Prescott", cpu: Self.zen4, setting: setting,
                                            operatorCoreType: "Prescott", replaced: nil) == .keep(source: .operatorVariable))
        }
    }

    @Test func processNeverReexecutesTwice() {
        #expect(BLASCoreDecision.decide(libraryCore: "Prescott", cpu: Self.zen4, setting: .automatic, operatorCoreType: "Cooperlake",
                                        replaced: "Prescott") == .keep(source: .corrected(from: "Prescott")))
        #expect(BLASCoreDecision.decide(libraryCore: "Haswell", cpu: Self.zen4, setting: .core("Haswell"), operatorCoreType: "Haswell",
                                        replaced: "Cooperlake") == .keep(source: .setting))
    }

    @Test func simulatedMisdetectionTreatsTheVariableAsTheLibrarysChoice() {
        #expect(BLASCoreDecision.decide(libraryCore: "Prescott", cpu: Self.zen4, setting: .automatic, operatorCoreType: "Prescott",
                                        replaced: nil, treatCoreTypeAsLibrary: true)
            == .reexecute(coreType: "Cooperlake", replacing: "Prescott"))
    }

    @Test func settingNamesTheCoreOrKeepsTheLibrarysChoice() {
        #expect(BLASCoreDecision.decide(libraryCore: "Cooperlake", cpu: Self.zen4, setting: .core("haswell"), operatorCoreType: nil,
                                        replaced: nil) == .reexecute(coreType: "haswell", replacing: "Cooperlake"))
        #expect(BLASCoreDecision.decide(libraryCore: "Haswell", cpu: Self.zen4, setting: .core("haswell"), operatorCoreType: nil,
                                        replaced: nil) == .keep(source: .setting))
        #expect(BLASCoreDecision.decide(libraryCore: "Prescott", cpu: Self.zen4, setting: .library, operatorCoreType: nil,
                                        replaced: nil) == .keep(source: .library))
    }

    @Test func settingParsesAutoLibraryAndCoresTheCPURuns() throws {
        #expect(try BLASCoreSetting(parsing: "auto", cpu: Self.zen2) == .automatic)
        #expect(try BLASCoreSetting(parsing: "", cpu: Self.zen2) == .automatic)
        #expect(try BLASCoreSetting(parsing: "LIBRARY", cpu: Self.zen2) == .library)
        #expect(try BLASCoreSetting(parsing: "Haswell", cpu: Self.zen2) == .core("Haswell"))
        #expect(throws: BLASCoreSettingError.unsupportedByCPU(core: "SkylakeX", needs: .avx512, cpu: .avx2FMA)) {
            try BLASCoreSetting(parsing: "SkylakeX", cpu: Self.zen2)
        }
        #expect(throws: BLASCoreSettingError.self) { try BLASCoreSetting(parsing: "Pentium4", cpu: Self.zen4) }
    }
}

/// Our own kernels' path follows the OpenBLAS core when that core is AVX2 class or wider, and
/// ignores a generic one (docs/configuration.md, "OpenBLAS kernels").
struct KernelLevelTests {
    @Test func capFollowsTheCoreClass() {
        #expect(KernelLevel.limit(forOpenBLASCore: "Haswell") == .avx2FMA)
        #expect(KernelLevel.limit(forOpenBLASCore: "zen") == .avx2FMA)
        #expect(KernelLevel.limit(forOpenBLASCore: "SkylakeX") == .avx512)
        #expect(KernelLevel.limit(forOpenBLASCore: "Cooperlake") == .avx512)
        #expect(KernelLevel.limit(forOpenBLASCore: "SapphireRapids") == .avx512)
        // A generic or unknown core is a misdetection or another architecture: no cap.
        for core in ["Prescott", "Sandybridge", "Nehalem", "ARMV8", "unknown"] {
            #expect(KernelLevel.limit(forOpenBLASCore: core) == nil, "\(core)")
        }
    }

    @Test func currentLevelNeverExceedsTheSupportedOne() {
        #expect(KernelLevel.current <= KernelLevel.supported)
    }
}
