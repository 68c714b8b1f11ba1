internal import CCrypto

/// Owns one OpenSSL BIGNUM and clears and frees it exactly once; the modular arithmetic
/// `Secp256k1Backend` needs, each result a fresh value.
///
/// A secret value is flagged BN_FLG_CONSTTIME, so the OpenSSL operations that have
/// constant-time paths (the EC ladder, modular exponentiation) take them. As with
/// `Secp256k1Backend.Point`, a C call given `pointer` must not outlive the object: parameters
/// and objects used afterwards are safe, others go through `withExtendedLifetime`.
final class BigNumber {
    let pointer: OpaquePointer

    /// A fresh zero.
    init() {
        guard let bn = BN_secure_new() else { fatalError("BN_secure_new failed: out of memory") }
        pointer = bn
    }

    /// The non-negative integer of big-endian `bytes`.
    convenience init(_ bytes: [UInt8], secret: Bool = false) {
        self.init()
        guard BN_bin2bn(bytes, Int32(bytes.count), pointer) != nil else {
            fatalError("BN_bin2bn failed: \(Ed25519Backend.lastError())")
        }
        if secret { BN_set_flags(pointer, BN_FLG_CONSTTIME) }
    }

    deinit { BN_clear_free(pointer) }

    /// The value as 32 big-endian bytes. Requires a value below 2^256.
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        guard BN_bn2binpad(pointer, &out, 32) == 32 else { fatalError("BN_bn2binpad failed: the value exceeds 256 bits") }
        return out
    }

    var isZero: Bool { BN_is_zero(pointer) == 1 }

    /// a mod m, in [0, m).
    static func reduce(_ a: BigNumber, modulo m: BigNumber, _ ctx: OpaquePointer) -> BigNumber {
        let out = BigNumber()
        Secp256k1Backend.check(BN_nnmod(out.pointer, a.pointer, m.pointer, ctx), "BN_nnmod")
        return out
    }

    /// a·b mod m.
    static func multiply(_ a: BigNumber, _ b: BigNumber, modulo m: BigNumber, _ ctx: OpaquePointer) -> BigNumber {
        let out = BigNumber()
        Secp256k1Backend.check(BN_mod_mul(out.pointer, a.pointer, b.pointer, m.pointer, ctx), "BN_mod_mul")
        return out
    }

    /// a + b mod m.
    static func add(_ a: BigNumber, _ b: BigNumber, modulo m: BigNumber, _ ctx: OpaquePointer) -> BigNumber {
        let out = BigNumber()
        Secp256k1Backend.check(BN_mod_add(out.pointer, a.pointer, b.pointer, m.pointer, ctx), "BN_mod_add")
        return out
    }

    /// a - b. Requires a >= b (every use is n minus a value in [0, n)).
    static func subtract(_ a: BigNumber, _ b: BigNumber) -> BigNumber {
        let out = BigNumber()
        Secp256k1Backend.check(BN_sub(out.pointer, a.pointer, b.pointer), "BN_sub")
        return out
    }

    /// a^-1 mod a prime p, as a^(p - 2) with the constant-time exponentiation. Requires a in [1, p - 1].
    static func inverse(_ a: BigNumber, modulo p: BigNumber, _ ctx: OpaquePointer) -> BigNumber {
        let exponent = BigNumber()
        Secp256k1Backend.check(BN_copy(exponent.pointer, p.pointer) != nil ? 1 : 0, "BN_copy")
        Secp256k1Backend.check(BN_sub_word(exponent.pointer, 2), "BN_sub_word")
        let out = BigNumber()
        BN_set_flags(a.pointer, BN_FLG_CONSTTIME)
        withExtendedLifetime(exponent) {
            Secp256k1Backend.check(BN_mod_exp_mont_consttime(out.pointer, a.pointer, exponent.pointer, p.pointer, ctx, nil),
                                   "BN_mod_exp_mont_consttime")
        }
        return out
    }
}
