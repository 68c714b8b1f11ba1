internal import CKernels

/// The vector instructions a CPU offers, read from raw CPUID registers and XCR0 so that values
/// recorded on other machines can be replayed (Tests/Fixtures/blas/cpuid-corename.json).
///
/// An instruction set counts only when the CPU has it and the operating system saves its
/// registers (XCR0): a virtual machine may report AVX-512 and still not save the ZMM state.
public struct CPUFeatures: Sendable, Hashable {
    /// CPUID leaf 0 vendor string, e.g. "GenuineIntel", "AuthenticAMD".
    public var vendor: String
    /// CPUID.1:EAX, the processor signature (stepping, model, family).
    public var signature: UInt32
    /// CPUID.1:ECX: FMA (bit 12), OSXSAVE (27), AVX (28).
    public var leaf1ECX: UInt32
    /// CPUID.(7,0):EBX: AVX2 (bit 5), AVX-512 F (16), DQ (17), CD (28), BW (30), VL (31).
    public var leaf7EBX: UInt32
    /// CPUID.(7,1):EAX: AVX512_BF16 (bit 5); 0 when leaf 7 has no subleaf 1.
    public var leaf7Subleaf1EAX: UInt32
    /// XCR0: state components the system saves; SSE and AVX (bits 1-2), AVX-512 (5-7).
    /// 0 when OSXSAVE is clear.
    public var xcr0: UInt64

    public init(vendor: String, signature: UInt32, leaf1ECX: UInt32, leaf7EBX: UInt32,
                leaf7Subleaf1EAX: UInt32, xcr0: UInt64) {
        self.vendor = vendor
        self.signature = signature
        self.leaf1ECX = leaf1ECX
        self.leaf7EBX = leaf7EBX
        self.leaf7Subleaf1EAX = leaf7Subleaf1EAX
        self.xcr0 = xcr0
    }

    /// This CPU's features (all zero, hence `.baseline`, on other architectures).
    public static func current() -> CPUFeatures {
        func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> [UInt32] {
            var regs = [UInt32](repeating: 0, count: 4)
            regs.withUnsafeMutableBufferPointer { kernels_cpuid(leaf, subleaf, $0.baseAddress!) }
            return regs
        }
        let leaf0 = cpuid(0)
        let vendorBytes = [leaf0[1], leaf0[3], leaf0[2]].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        let leaf7 = cpuid(7)
        return CPUFeatures(vendor: String(decoding: vendorBytes.filter { $0 != 0 }, as: UTF8.self), signature: cpuid(1)[0],
                           leaf1ECX: cpuid(1)[2], leaf7EBX: leaf7[1], leaf7Subleaf1EAX: leaf7[0] >= 1 ? cpuid(7, 1)[0] : 0,
                           xcr0: kernels_xcr0())
    }

    /// The display family (base family plus extended family from 15 on).
    public var family: Int {
        let base = Int(signature >> 8 & 0xF)
        return base == 0xF ? base + Int(signature >> 20 & 0xFF) : base
    }

    /// The display model (extended model prepended for families 6 and 15 on).
    public var model: Int {
        let base = Int(signature >> 4 & 0xF)
        return family == 6 || family >= 0xF ? Int(signature >> 16 & 0xF) << 4 | base : base
    }

    /// The widest class of vector instructions this CPU can run under this system.
    public var vectorClass: CPUVectorClass {
        func bits(_ value: UInt32, _ positions: [Int]) -> Bool { positions.allSatisfy { value >> $0 & 1 == 1 } }
        let savesYMM = bits(leaf1ECX, [27]) && xcr0 & 0x6 == 0x6
        guard savesYMM, bits(leaf1ECX, [28]) else { return .baseline }
        guard bits(leaf1ECX, [12]), bits(leaf7EBX, [5]) else { return .avx }
        guard xcr0 & 0xE0 == 0xE0, bits(leaf7EBX, [16, 17, 28, 30, 31]) else { return .avx2FMA }
        return bits(leaf7Subleaf1EAX, [5]) ? .avx512BF16 : .avx512
    }
}

/// Classes of x86 vector instructions, in increasing order, as OpenBLAS's kernel families use
/// them.
public enum CPUVectorClass: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// SSE2/SSE3 only (OpenBLAS's Prescott, Core2, Nehalem, Barcelona kernels, ...).
    case baseline
    /// AVX without AVX2 or FMA (Sandybridge, Bulldozer kernels, ...).
    case avx
    /// AVX2 and FMA (Haswell, Zen kernels).
    case avx2FMA
    /// AVX-512 F, CD, BW, DQ and VL (SkylakeX kernels).
    case avx512
    /// AVX-512 with BF16 (Cooperlake kernels).
    case avx512BF16

    public static func < (a: CPUVectorClass, b: CPUVectorClass) -> Bool { a.rawValue < b.rawValue }

    /// "baseline", "avx", "avx2-fma", "avx512", "avx512-bf16".
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx: "avx"
        case .avx2FMA: "avx2-fma"
        case .avx512: "avx512"
        case .avx512BF16: "avx512-bf16"
        }
    }
}
