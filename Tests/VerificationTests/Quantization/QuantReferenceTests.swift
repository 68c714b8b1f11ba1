import Foundation
import TestSupport
import Testing
import Verification

/// Compares quantization, packing, leaf bytes and the update rule with the independent numpy
/// float32 reference (tools/quant_reference.py) bit for bit, on random vectors whose lengths
/// are not multiples of 64 or 1024 and which include zero, subnormal, tie and extreme blocks.
struct QuantReferenceTests {
    static let cases: [(seed: Int, length: Int, lrBits: UInt32)] = [
        (1, 1, 0x3C23_D70A),        // lr 0.01
        (2, 63, 0x3F80_0000),       // lr 1
        (3, 65, 0x3A83_126F),       // lr 0.001
        (4, 1023, 0x3DCC_CCCD),     // lr 0.1
        (5, 1025, 0x4120_0000),     // lr 10
        (6, 3001, 0x3C23_D70A),
        (7, 20_481, 0x3851_B717),   // lr 5e-5
        (8, 70_000, 0x3C23_D70A),
    ]

    @Test(arguments: cases.indices)
    func matchesNumpyReferenceBitForBit(caseIndex: Int) throws {
        let c = Self.cases[caseIndex]
        let dir = try Scratch.directory("quant")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Python.output("quant_reference.py", [
            "--out", dir.path, "--seed", String(c.seed), "--length", String(c.length),
            "--lr-bits", String(c.lrBits, radix: 16),
        ])
        let file = { (name: String) in dir.appendingPathComponent(name) }
        let gradient = try QuantTestSupport.readFloats(file("gradient.f32"))
        let theta = try QuantTestSupport.readFloats(file("theta.f32"))
        #expect(gradient.count == c.length && theta.count == c.length)

        let q = try QuantizedGradient(quantizing: gradient)
        #expect(QuantTestSupport.bits(q.scales) == QuantTestSupport.bits(try QuantTestSupport.readFloats(file("scales.f32"))))
        #expect(q.packedCodes == [UInt8](try Data(contentsOf: file("codes.u8"))))

        var leaves = [UInt8]()
        for i in 0..<q.leafCount { leaves += try q.leafBytes(i) }
        #expect(leaves == [UInt8](try Data(contentsOf: file("leaves.bin"))))

        let want = QuantTestSupport.bits(try QuantTestSupport.readFloats(file("theta1.f32")))
        var updated = theta
        try QuantizedUpdate.apply(q, learningRate: Float(bitPattern: c.lrBits), to: &updated)
        #expect(QuantTestSupport.bits(updated) == want)

        // The per-leaf variant rebuilds the same vector leaf by leaf.
        var leafwise = theta
        for i in 0..<q.leafCount {
            try QuantizedUpdate.apply(leaf: i, of: q, learningRate: Float(bitPattern: c.lrBits), to: &leafwise)
        }
        #expect(QuantTestSupport.bits(leafwise) == want)
    }
}
