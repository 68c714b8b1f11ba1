import CKernels
import Testing
import Verification

/// A heap buffer of floats with a stable address, so kernels can be called without nesting closures.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(from: values, count: count)
    }

    convenience init(zeros count: Int) {
        self.init([Float](repeating: 0, count: count))
    }

    deinit { pointer.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    var doubles: [Double] { array.map(Double.init) }
}

/// Seeded random test inputs.
struct TestRandom {
    var generator: Verification.SplitMix64

    init(seed: UInt64) { generator = Verification.SplitMix64(seed: seed) }

    /// `count` floats uniform in [-scale, scale).
    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float(generator.nextUnit() * 2 - 1) * scale }
    }

    mutating func ints(_ count: Int, below bound: Int) -> [Int32] {
        (0..<count).map { _ in Int32(generator.next() % UInt64(bound)) }
    }
}

/// Largest absolute difference divided by max(1, largest |reference|).
func relativeError(_ got: [Double], _ want: [Double]) -> Double {
    precondition(got.count == want.count, "length \(got.count) vs \(want.count)")
    var maxDiff = 0.0
    var maxRef = 1.0
    for i in want.indices {
        maxDiff = max(maxDiff, abs(got[i] - want[i]))
        maxRef = max(maxRef, abs(want[i]))
    }
    return maxDiff / maxRef
}

/// The same measure for a float result against a double reference.
func relativeError(_ got: [Float], _ want: [Double]) -> Double {
    relativeError(got.map(Double.init), want)
}

/// Central finite differences of a scalar function, in Float64.
func finiteDifferenceGradient(_ x: [Double], step: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var probe = x
    return x.indices.map { i in
        probe[i] = x[i] + step
        let up = f(probe)
        probe[i] = x[i] - step
        let down = f(probe)
        probe[i] = x[i]
        return (up - down) / (2 * step)
    }
}

/// Σ a·b, the scalar a backward pass with upstream gradient `b` differentiates.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

/// A build of the C kernels (Sources/CKernels) this CPU runs, as a test argument: baseline,
/// AVX2 + FMA and AVX-512, up to the CPU's supported level.
struct KernelBuild: CustomStringConvertible, Sendable {
    let level: Int32

    static let all: [KernelBuild] = (0...kernels_vector_level_supported()).map(KernelBuild.init(level:))

    var description: String { ["baseline", "avx2-fma", "avx512"][Int(level)] }
}
