import Foundation
import Testing
@testable import Verification

/// Issue 13: a report echoed bytes of the artifact it could not accept (the 8-byte header
/// length of `/etc/shadow` came back as a number whose bytes read `root:*:2`). Each artifact
/// here hides a marker where a parser would quote it; the report must fail the right check
/// without it.
struct ArtifactEchoTests {
    static let marker = "S3CR3T"
    let malformed = PoGOMalformedBundleTests()

    /// A safetensors file whose JSON header is `header` (8-byte little-endian length first).
    static func safetensors(header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    static func reportText(_ report: VerificationReport) -> String { String(decoding: report.jsonBytes(), as: UTF8.self) }

    static let theta0Cases: [(String, [UInt8])] = [
        ("header length", Array("root:*:2".utf8) + Array("\(marker)".utf8)),
        ("tensor name", safetensors(header: #"{"\#(marker)":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("dtype", safetensors(header: #"{"w":{"dtype":"\#(marker)","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("duplicate key", safetensors(header: #"{"\#(marker)":1,"\#(marker)":2}"#)),
        ("not JSON", safetensors(header: "\(marker) is not JSON")),
        ("metadata", safetensors(header: #"{"__metadata__":{"\#(marker)":7}}"#)),
        ("shape", safetensors(header: #"{"fc1.weight":{"dtype":"F32","shape":[987654],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
    ]

    @Test(arguments: theta0Cases.map(\.0))
    func reportsOnATheta0ArtifactQuoteNothingFromIt(_ name: String) throws {
        let bytes = try #require(Self.theta0Cases.first { $0.0 == name }?.1)
        let bundle = try malformed.bundle { malformed.setArtifacts(&$0, theta0: ["inline": Data(bytes).base64EncodedString()]) }
        let report = try malformed.verify(bundle)
        #expect(report.failedChecks == ["structure.theta0"], "\(report.checks.filter { !$0.passed }.map(\.detail))")
        let text = Self.reportText(report)
        let length = UInt64(littleEndian: Array("root:*:2".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        for echo in [Self.marker, "root", String(length), String(Int(clamping: length)), "987654"] {
            #expect(!text.contains(echo), "\(name): the report quotes \(echo): \(report.check(.structureTheta0)?.detail ?? "")")
        }
    }

    @Test func reportsOnAGradientArtifactQuoteNothingFromIt() throws {
        let header = #"{"__metadata__":{"format":"\#(Self.marker)","parameters":"\#(Self.marker)"},"codes":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let bytes = Self.safetensors(header: header, data: [0])
        let bundle = try malformed.bundle { malformed.setArtifacts(&$0, gradient: 0, to: ["inline": Data(bytes).base64EncodedString()]) }
        let report = try malformed.verify(bundle)
        #expect(report.failedChecks == ["structure.gradients"])
        #expect(!Self.reportText(report).contains(Self.marker), "\(report.check(.structureGradients)?.detail ?? "")")
    }

    @Test func leafOnlyReportsQuoteNothingFromTheArtifact() throws {
        let json = try PoGOLeafOnlyTests.minedRun().bundleJSON(.inline, trees: true)
        let renamed = try PoGOLeafOnlyTests.editInline(json, member: "theta0") { bytes in
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "fc1.bias", with: "fc1.\(Self.marker)")
            bytes = Array(text.utf8)
        }
        let report = try PoGOLeafOnlyTests.verify(renamed)
        #expect(report.verdict == .negative)
        #expect(!Self.reportText(report).contains(Self.marker), "\(report.checks.filter { !$0.passed }.map(\.detail))")
    }
}
