internal import CKernels

// Shape letters: N rows (batch × tokens), C input channels, OC output channels.

/// A weight matrix (C, OC) packed once for `matmulForward(out:inp:packed:...)`: panels of 16
/// output columns, each row by row (Sources/CKernels/gemm.c).
///
/// OpenBLAS packs its operand again on every call; with weights that never change the packing
/// can be done at load.
public struct PackedMatrix: Sendable {
    /// Input channels C (rows of the unpacked matrix).
    public let inputs: Int
    /// Output channels OC (columns of the unpacked matrix).
    public let outputs: Int
    let values: [Float]

    /// Packs the row-major (C, OC) matrix `weightT`, the transpose of a PyTorch Linear weight.
    /// Requires `weightT.count == inputs * outputs`.
    public init(_ weightT: [Float], inputs: Int, outputs: Int) {
        precondition(inputs >= 0 && outputs >= 0 && weightT.count == inputs * outputs,
                     "\(weightT.count) values are not a \(inputs)x\(outputs) matrix")
        self.inputs = inputs
        self.outputs = outputs
        var values = [Float](repeating: 0, count: kernels_gemm_packed_count(inputs, outputs))
        values.withUnsafeMutableBufferPointer { kernels_gemm_pack($0.baseAddress!, weightT, outputs, inputs, outputs) }
        self.values = values
    }

    /// Panels of 16 output columns (the last one may be partly padding).
    public var panels: Int { (outputs + 15) / 16 }

    /// The output columns of `panels`.
    public func columns(ofPanels panels: Range<Int>) -> Range<Int> {
        min(outputs, panels.lowerBound * 16)..<min(outputs, panels.upperBound * 16)
    }
}

/// Computes `out = inp · W + bias` for a packed W (C, OC) with the kernel of
/// Sources/CKernels/gemm.c (AVX2 + FMA where the CPU has them, else the baseline build).
///
/// Each output is bias + Σ_c inp[n, c] · W[c, o] in increasing c, one multiply-add at a time,
/// so a row's result depends only on that row of `inp`: whatever N, the other rows, or the
/// split of rows or panels across threads, it is the same to the bit (on a given CPU).
/// Only the output columns of `panels` (all by default) are written; disjoint panel ranges can
/// run concurrently.
/// - out: (N, OC), overwritten in those columns. May not alias `inp`.
/// - inp: (N, C). bias: (OC) or nil for none.
public func matmulForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, packed: PackedMatrix,
                          bias: UnsafePointer<Float>?, N: Int, panels: Range<Int>? = nil) {
    let panels = panels ?? 0..<packed.panels
    precondition(N >= 0 && panels.lowerBound >= 0 && panels.upperBound <= packed.panels, "panels \(panels) out of 0..<\(packed.panels)")
    guard N > 0, !panels.isEmpty else { return }
    packed.values.withUnsafeBufferPointer {
        kernels_gemm_packed(out, packed.outputs, inp, packed.inputs, $0.baseAddress!, bias, N, packed.inputs, packed.outputs,
                            panels.lowerBound, panels.upperBound)
    }
}
