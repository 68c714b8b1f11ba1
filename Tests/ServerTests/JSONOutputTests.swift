import Foundation
import Testing
@testable import Server

/// `JSONOutput` writes what `JSONSerialization` wrote, which the commands printed before.
struct JSONOutputTests {
    static let keys = ["sha256", "sha3_256", "SHA512", "a", "B", "b", "_", "T", "threads", "a10", "a9", "é", "e", "Z", "0",
                       "10", "a-b", "a_b", "aB", "Ab", "x1y", "x01y", "k/\u{08}\u{0C}\n\"", "keyId"]

    static func value(depth: Int, using g: inout some RandomNumberGenerator) -> Any {
        switch Int.random(in: 0..<(depth > 0 ? 7 : 5), using: &g) {
        case 0: return keys.randomElement(using: &g)! + String(Int.random(in: 0..<3, using: &g))
        case 1: return Bool.random(using: &g)
        case 2: return Int.random(in: -1_000_000...1_000_000, using: &g) * (Bool.random(using: &g) ? 1 : 1 << 40)
        case 3: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g)).clampedFinite
        case 4: return [0.1, 100, -0.0, 3e-7, 1e20, 1e16, 12.5, 2.345678].randomElement(using: &g)!
        case 5: return (0..<Int.random(in: 0..<4, using: &g)).map { _ in value(depth: depth - 1, using: &g) }
        default: return object(depth: depth - 1, using: &g)
        }
    }

    static func object(depth: Int, using g: inout some RandomNumberGenerator) -> [String: Any] {
        var object: [String: Any] = [:]
        for _ in 0..<Int.random(in: 0..<8, using: &g) { object[keys.randomElement(using: &g)!] = value(depth: depth, using: &g) }
        return object
    }

    @Test func matchesJSONSerializationOnRandomObjects() throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let object = Self.object(depth: 2, using: &g)
            let reference = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(try JSONOutput.encoded(object) == Array(reference), "\(object)")
        }
    }

    @Test func refusesNonFiniteNumbers() {
        #expect(throws: JSONOutput.UnsupportedValue.self) { try JSONOutput.encoded(["loss": Double.nan]) }
    }
}

private extension Double {
    /// This value, or 1.5 when it is infinite or NaN.
    var clampedFinite: Double { isFinite ? self : 1.5 }
}
