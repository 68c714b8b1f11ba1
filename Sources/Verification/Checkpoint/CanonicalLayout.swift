/// Where each tensor's bytes sit in the canonical vector and in memory, and how to read a
/// leaf that may cross tensor boundaries.
struct CanonicalLayout: Sendable {
    /// The tensor name reported for an in-memory vector.
    static let vectorName = "<parameters>"

    /// One non-empty tensor: canonical bytes [start, start + count) live at `offset` in the
    /// backing memory.
    struct Segment: Sendable {
        let name: String
        let start: Int
        let offset: Int
        let count: Int
    }

    /// Non-empty tensors in canonical order.
    let segments: [Segment]
    /// Bytes in the canonical vector.
    let totalBytes: Int

    /// Whether the tensors are stored contiguously in canonical order (what
    /// `SafeTensorsWriter` produces), so canonical progress is progress through the file.
    var isInFileOrder: Bool {
        zip(segments, segments.dropFirst()).allSatisfy { $0.offset + $0.count == $1.offset }
    }

    /// Leaf `index`'s bytes: in place when one tensor holds them, else gathered into `scratch`
    /// (at least one leaf long). Requires a valid leaf index.
    func leafBytes(_ index: Int, base: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        let lo = index * CanonicalParameters.leafByteCount
        let hi = min(lo + CanonicalParameters.leafByteCount, totalBytes)
        precondition(lo < hi, "Requires 0 <= index < leafCount")
        var s = segmentIndex(containing: lo)
        let first = segments[s]
        if hi <= first.start + first.count {
            let from = first.offset + (lo - first.start)
            return UnsafeRawBufferPointer(rebasing: base[from..<(from + hi - lo)])
        }
        var cursor = lo
        while cursor < hi {
            let seg = segments[s]
            let end = min(hi, seg.start + seg.count)
            let from = seg.offset + (cursor - seg.start)
            UnsafeMutableRawBufferPointer(rebasing: scratch[(cursor - lo)..<(end - lo)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: base[from..<(from + end - cursor)]))
            cursor = end
            s += 1
        }
        return UnsafeRawBufferPointer(rebasing: scratch[0..<(hi - lo)])
    }

    /// The tensor name and element index of canonical parameter `parameter`.
    func locate(parameter: Int) -> (tensor: String, element: Int) {
        let byte = parameter * MemoryLayout<Float>.size
        let seg = segments[segmentIndex(containing: byte)]
        return (seg.name, (byte - seg.start) / MemoryLayout<Float>.size)
    }

    /// The first NaN or infinity among fp32 values: its index in `bytes` and its bit pattern.
    static func firstNonFinite(_ bytes: UnsafeRawBufferPointer) -> (index: Int, bits: UInt32)? {
        let n = bytes.count / MemoryLayout<UInt32>.size
        // Exponent all ones plus one carries into the sign bit; any other exponent does not.
        // Branch-free over typed, aligned words so the loop vectorizes; the exact element is
        // searched only on a hit. Unaligned data (a header length that is not a multiple of 4)
        // takes the slower word-by-word path.
        var any: UInt32 = 0
        if let base = bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<UInt32>.alignment == 0 {
            for word in UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt32.self), count: n) {
                any |= (word & 0x7f80_0000) &+ 0x0080_0000
            }
        } else {
            for k in 0..<n { any |= (bytes.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self) & 0x7f80_0000) &+ 0x0080_0000 }
        }
        guard any & 0x8000_0000 != 0 else { return nil }
        for k in 0..<n {
            let bits = bytes.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
            if bits & 0x7f80_0000 == 0x7f80_0000 { return (k, bits) }
        }
        return nil
    }

    /// The segment holding canonical byte `byte`. Requires `0 <= byte < totalBytes`.
    private func segmentIndex(containing byte: Int) -> Int {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].start <= byte { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
