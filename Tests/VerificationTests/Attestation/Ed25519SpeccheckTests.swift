import TestSupport
import Testing
import Verification

/// The edge cases of "Taming the many EdDSAs" (Tests/Fixtures/ed25519-speccheck): we accept
/// and refuse exactly what libsodium does.
struct Ed25519SpeccheckTests {
    static let file = Repository.path("Tests/Fixtures/ed25519-speccheck/cases.json")

    /// The LibSodium row of results.md in novifinancial/ed25519-speccheck at commit
    /// 65519336fda78a3d016e947df6d82848aca0c9da (V accepts, X refuses), one letter per case.
    static let libsodiumRow = "XXXVXXXXXXXX"

    @Test func acceptsExactlyWhatLibsodiumAccepts() throws {
        let cases = try Ed25519Case.load(Self.file)
        #expect(cases.count == Self.libsodiumRow.count)
        for (i, (testCase, expected)) in zip(cases, Self.libsodiumRow).enumerated() {
            #expect(testCase.acceptedBySwift == (expected == "V"), "case \(i): \(testCase.condition ?? "")")
        }
    }

    /// The same file through PyNaCl: the fixture still makes libsodium give its published row.
    @Test func libsodiumGivesItsPublishedRowOnTheFixture() throws {
        let verdicts = try Ed25519Case.libsodiumAccepts(try Ed25519Case.load(Self.file))
        #expect(String(verdicts.map { $0 ? "V" : "X" }) == Self.libsodiumRow)
    }
}
