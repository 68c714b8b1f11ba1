/// A copy of some bytes in memory this object owns, at an address that stays put while it
/// lives: what a `SafeTensorsFile` reads when the file arrived in memory (an inline artifact,
/// a download) rather than on disk, as `MappedFile` is when it is on disk.
final class OwnedBytes: @unchecked Sendable {
    /// The copied bytes; aligned to 64 bytes, like the start of a mapping (page-aligned) modulo
    /// a cache line. Immutable after init.
    let bytes: UnsafeRawBufferPointer

    /// Copies `source`.
    init(copying source: UnsafeRawBufferPointer) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 64)
        if let base = source.baseAddress, source.count > 0 { buffer.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        bytes = UnsafeRawBufferPointer(buffer)
    }

    deinit {
        bytes.deallocate()
    }
}
