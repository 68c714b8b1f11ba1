import Verification

/// Generated Ed25519 cases around the strict rules, drawn from a fixed seed: forgeries under
/// small-order keys, small-order and non-canonical R, y >= p keys, S at and above L, honest
/// signatures and honest signatures or keys with one bit flipped.
enum Ed25519StrictMutations {
    /// All the generated cases. `smallOrder` holds every encoding of every small-order point;
    /// `identityR(seed, message)` returns the R = identity, S = h*a signature under that seed's key.
    static func all(smallOrder: [[UInt8]], identityR: ([UInt8], [UInt8]) throws -> [UInt8]) throws -> [Ed25519Case] {
        var random = SplitMix64(seed: 25519)
        let identity = Ed25519StrictTests.identity
        let zero = [UInt8](repeating: 0, count: 32)
        var cases: [Ed25519Case] = []
        func add(_ message: [UInt8], _ key: [UInt8], _ signature: [UInt8], _ condition: String) {
            cases.append(Ed25519Case(message: message, publicKey: key, signature: signature, condition: condition))
        }
        let seeds = (0..<6).map { _ in bytes(32, &random) }
        let keys = try seeds.map { try SigningKey(seed: $0) }

        for _ in 0..<16 {
            add(bytes(Int.random(in: 0...64, using: &random), &random), identity, identity + zero, "identity key, R = identity, S = 0")
        }
        for point in smallOrder {
            let message = bytes(32, &random)
            let honest = keys[0].signature(for: message)
            add(message, point, identity + zero, "small-order key, R = identity, S = 0")
            add(message, point, point + zero, "small-order key, R = key, S = 0")
            add(message, point, honest, "small-order key, honest signature of another key")
            add(message, keys[0].publicKey.rawBytes, point + Array(honest[32...]), "small-order R, honest S")
            add(message, keys[0].publicKey.rawBytes, point + zero, "small-order R, S = 0")
        }
        for (seed, key) in zip(seeds, keys) {
            let message = bytes(Int.random(in: 0...64, using: &random), &random)
            add(message, key.publicKey.rawBytes, try identityR(seed, message), "honest key, R = identity, S = h*a")
        }
        let p = Ed25519StrictTests.p
        for k in 0...18 {
            for sign in [UInt8(0), 0x80] {
                var y = Scalar25519.add(p, Scalar25519.small(UInt8(k)))
                y[31] |= sign
                let message = bytes(32, &random)
                let honest = keys[1].signature(for: message)
                add(message, y, identity + zero, "key y = p + \(k), R = identity, S = 0")
                add(message, y, honest, "key y = p + \(k), honest signature of another key")
                add(message, keys[1].publicKey.rawBytes, y + Array(honest[32...]), "R y = p + \(k), honest S")
            }
        }
        for key in keys {
            let message = bytes(Int.random(in: 0...64, using: &random), &random)
            let signature = key.signature(for: message)
            let r = Array(signature[..<32]), s = Array(signature[32...])
            add(message, key.publicKey.rawBytes, signature, "honest")
            add(message, key.publicKey.rawBytes, r + Scalar25519.order, "S = L")
            add(message, key.publicKey.rawBytes, r + Scalar25519.add(Scalar25519.order, Scalar25519.small(1)), "S = L + 1")
            add(message, key.publicKey.rawBytes, r + Scalar25519.add(s, Scalar25519.order), "S = s + L")
        }
        let message = bytes(48, &random)
        let signature = keys[2].signature(for: message)
        let publicKey = keys[2].publicKey.rawBytes
        for bit in 0..<(8 * signature.count) {
            add(message, publicKey, flip(signature, bit), "honest signature, bit \(bit) flipped")
        }
        for bit in 0..<(8 * publicKey.count) {
            add(message, flip(publicKey, bit), signature, "honest key, bit \(bit) flipped")
        }
        return cases
    }

    private static func bytes(_ count: Int, _ random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    private static func flip(_ bytes: [UInt8], _ bit: Int) -> [UInt8] {
        var out = bytes
        out[bit / 8] ^= 1 << UInt8(bit % 8)
        return out
    }
}
