/// A source of 64-bit words for the samplers; `ChallengeStream` is the protocol's one,
/// tests supply crafted ones.
public protocol RandomWordSource {
    /// The next 64-bit word.
    mutating func nextUInt64() -> UInt64
}

/// A deterministic byte stream: SHA-256 in counter mode over a 32-byte seed (pogo/1).
///
/// Block i (i = 0, 1, 2, ...) is SHA-256(seed || uint64_be(i)); the stream is the blocks'
/// bytes concatenated, consumed strictly in order. A 64-bit word is the next 8 bytes read
/// big-endian.
public struct ChallengeStream: RandomWordSource, Sendable {
    /// The 32-byte seed.
    public let seed: Digest
    private var counter: UInt64 = 0
    private var block: [UInt8] = []
    private var position = 0

    /// Creates the stream of `seed`, positioned at its first byte.
    public init(seed: Digest) {
        self.seed = seed
    }

    /// The next `count` bytes of the stream. Requires count >= 0.
    public mutating func nextBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "byte count must not be negative, got \(count)")
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            if position == block.count { refill() }
            let take = Swift.min(count - out.count, block.count - position)
            out += block[position..<(position + take)]
            position += take
        }
        return out
    }

    /// The next 8 bytes as a big-endian unsigned integer.
    public mutating func nextUInt64() -> UInt64 {
        var x: UInt64 = 0
        for byte in nextBytes(8) { x = x << 8 | UInt64(byte) }
        return x
    }

    private mutating func refill() {
        var hasher = SHA256()
        hasher.update(seed.bytes)
        hasher.update(ChallengeDerivation.bigEndian(counter))
        block = hasher.finalize().bytes
        counter += 1
        position = 0
    }
}
