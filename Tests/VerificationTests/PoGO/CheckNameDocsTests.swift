import Foundation
import TestSupport
import Testing
@testable import Verification

/// The check names the documentation lists are exactly `VerificationReport.CheckName`'s cases,
/// in the order they run: the full-mode table of docs/protocol-parts/verification.md and the
/// leaf-only list of docs/protocol-parts/remote.md together name every case once.
@Suite struct CheckNameDocsTests {
    typealias CheckName = VerificationReport.CheckName

    /// The text of `file` (under docs/protocol-parts) from `heading` to the next heading.
    static func section(_ file: String, _ heading: String) throws -> String {
        let text = try String(contentsOfFile: Repository.path("docs/protocol-parts/" + file), encoding: .utf8)
        let body = try #require(text.components(separatedBy: "\n" + heading + "\n").dropFirst().first, "no \(heading) in \(file)")
        return body.components(separatedBy: "\n#")[0]
    }

    /// The backticked words of `text` that look like check names, `[t]` suffixes removed.
    static func checkNames(in text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }
            .map { String($0.element.prefix { $0 != "[" }) }
            .filter { $0.wholeMatch(of: /(structure|replay|step|progress|leaf)\.[A-Za-z0-9]+/) != nil }
    }

    /// The names in the "Checks, in order" table, one per numbered row.
    static func verificationTable() throws -> [String] {
        try section("verification.md", "## Checks, in order").split(separator: "\n")
            .filter { $0.wholeMatch(of: /\| [0-9]+ \|.*/) != nil }
            .map { row in checkNames(in: String(row.split(separator: "|")[1])).first ?? "?" }
    }

    @Test func verificationDocTablesTheFullModeChecksInOrder() throws {
        #expect(try Self.verificationTable() == CheckName.run(in: .full).map(\.rawValue))
    }

    @Test func remoteDocListsTheLeafOnlyChecksInOrder() throws {
        let section = try Self.section("remote.md", "### Checks in leaf-only mode")
        let listed = section.components(separatedBy: "Not run")[0].split(separator: "\n")
            .filter { $0.wholeMatch(of: /\s*([0-9]+\.|-) `.*/) != nil }
            .compactMap { Self.checkNames(in: String($0)).first }
        #expect(listed == CheckName.run(in: .leafOnly).map(\.rawValue))
    }

    @Test func remoteDocListsTheFullModeChecksAsNotRun() throws {
        let section = try Self.section("remote.md", "### Checks in leaf-only mode")
        let notRun = try #require(section.components(separatedBy: "Not run (listed in `checksNotRun`):").dropFirst().first)
        #expect(Self.checkNames(in: String(notRun)) == CheckName.run(in: .full).map(\.rawValue))
    }

    @Test func theTwoModesTogetherRunEveryCheckOnce() {
        #expect(CheckName.run(in: .full) + CheckName.run(in: .leafOnly) == CheckName.allCases)
    }

    @Test func encodesAsItsRawValue() throws {
        let json = try JSONEncoder().encode([CheckName.stepGradient, .leafUpdateRule])
        #expect(String(decoding: json, as: UTF8.self) == #"["step.gradient","leaf.updateRule"]"#)
        #expect("\(CheckName.replayWeightsRoots)" == "replay.weightsRoots")
    }
}
