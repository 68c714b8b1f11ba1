internal import CCrypto

/// The secp256k1 arithmetic behind `Secp256k1SigningKey` and `EthereumSignature`, on OpenSSL's
/// EC_POINT and BIGNUM API (OpenSSL provides the curve; SEC 2 v2 section 2.4.1 defines it).
///
/// Scalars cross this boundary as 32 big-endian bytes, points as the 65-byte uncompressed
/// encoding 0x04 || X || Y (SEC 1 v2 section 2.3.3). Every call makes its own BN_CTX; the
/// EC_GROUP is shared read-only, which OpenSSL allows.
enum Secp256k1Backend {
    /// The group order n (SEC 2 v2 section 2.4.1), big-endian.
    static let order: [UInt8] = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
    /// floor(n / 2): the largest s of a low-s signature (EIP-2, OpenZeppelin's ECDSA.tryRecover).
    static let halfOrder: [UInt8] = Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!

    /// True when 32 big-endian bytes are a scalar in [1, n - 1].
    static func isValidScalar(_ bytes: [UInt8]) -> Bool {
        bytes.count == 32 && bytes.contains { $0 != 0 } && bytes.lexicographicallyPrecedes(order)
    }

    /// The uncompressed public key d·G of a scalar d in [1, n - 1].
    static func publicKey(privateKey: [UInt8]) -> [UInt8] {
        precondition(isValidScalar(privateKey), "a secp256k1 private key is a scalar in [1, n - 1]")
        return withContext { ctx in
            let d = BigNumber(privateKey, secret: true)
            let point = Point()
            withExtendedLifetime(d) {
                check(EC_POINT_mul(curve.group, point.pointer, d.pointer, nil, nil, ctx), "EC_POINT_mul")
            }
            return encode(point, ctx)
        }
    }

    /// True when `bytes` is the uncompressed encoding of a point of the curve (not the point at infinity).
    static func isPointOnCurve(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 65, bytes[0] == 0x04 else { return false }
        return withContext { ctx in
            let point = Point()
            return withExtendedLifetime(point) {
                // oct2point refuses coordinates that are not below p or do not satisfy the curve equation.
                guard EC_POINT_oct2point(curve.group, point.pointer, bytes, bytes.count, ctx) == 1 else {
                    ERR_clear_error()
                    return false
                }
                return EC_POINT_is_on_curve(curve.group, point.pointer, ctx) == 1
            }
        }
    }

    /// An ECDSA signature of `digest` (read as the integer z) under `privateKey` with the
    /// RFC 6979 nonce, in low-s form: r and s (32 bytes each) and the y parity of the point R
    /// that recovers the key with that s. A nonce whose R has x >= n (r would need recovery
    /// id 2 or 3, which Ethereum's v cannot carry; probability about 2^-128) is skipped like
    /// one giving r = 0 or s = 0.
    static func sign(digest: [UInt8], privateKey: [UInt8]) -> (r: [UInt8], s: [UInt8], yParity: UInt8) {
        precondition(digest.count == 32, "the digest has 32 bytes")
        precondition(isValidScalar(privateKey), "a secp256k1 private key is a scalar in [1, n - 1]")
        var nonces = RFC6979Nonces(privateKey: privateKey, digest: digest, order: order)
        return withContext { ctx in
            let n = BigNumber(order)
            let d = BigNumber(privateKey, secret: true)
            let z = BigNumber(digest)
            while true {
                let k = BigNumber(nonces.next(), secret: true)
                let point = Point()
                withExtendedLifetime(k) {
                    check(EC_POINT_mul(curve.group, point.pointer, k.pointer, nil, nil, ctx), "EC_POINT_mul")
                }
                let (x, y) = affine(point, ctx)
                guard isValidScalar(x) else { continue }
                let r = BigNumber(x)
                let s = blindedS(k: k, d: d, z: z, r: r, n: n, ctx)
                guard !s.isZero else { continue }
                var sBytes = s.bytes
                var parity = y[31] & 1
                if halfOrder.lexicographicallyPrecedes(sBytes) {
                    sBytes = BigNumber.subtract(n, s).bytes
                    parity ^= 1
                }
                return (x, sBytes, parity)
            }
        }
    }

    /// The public key that `(r, s)` with R's y parity `yParity` recovers for `digest` (SEC 1 v2
    /// section 4.1.6), or nil when r or s is not in [1, n - 1], no curve point has x = r, or
    /// the key would be the point at infinity.
    static func recover(digest: [UInt8], r: [UInt8], s: [UInt8], yParity: UInt8) -> [UInt8]? {
        guard digest.count == 32, isValidScalar(r), isValidScalar(s), yParity <= 1 else { return nil }
        return withContext { ctx in
            let n = BigNumber(order)
            let rPoint = Point()
            let x = BigNumber(r)
            let onCurve = withExtendedLifetime(x) {
                EC_POINT_set_compressed_coordinates(curve.group, rPoint.pointer, x.pointer, Int32(yParity), ctx) == 1
            }
            guard onCurve else {
                ERR_clear_error()
                return nil
            }
            // Q = r^-1 (s·R - z·G) = (-z·r^-1)·G + (s·r^-1)·R.
            let rInverse = BigNumber.inverse(BigNumber(r), modulo: n, ctx)
            let u1 = BigNumber.multiply(BigNumber.subtract(n, BigNumber.reduce(BigNumber(digest), modulo: n, ctx)),
                                        rInverse, modulo: n, ctx)
            let u2 = BigNumber.multiply(BigNumber(s), rInverse, modulo: n, ctx)
            let q = Point()
            withExtendedLifetime((u1, u2, rPoint)) {
                check(EC_POINT_mul(curve.group, q.pointer, u1.pointer, rPoint.pointer, u2.pointer, ctx), "EC_POINT_mul")
            }
            guard withExtendedLifetime(q, { EC_POINT_is_at_infinity(curve.group, q.pointer) == 0 }) else { return nil }
            return encode(q, ctx)
        }
    }

    /// s = k^-1 (z + r·d) mod n, computed as (b·k)^-1 (b·z + r·(b·d)) with a fresh random
    /// blind b, so the timing of BN_mod_mul and BN_mod_add (not constant-time) depends on
    /// values that say nothing about d or k. The inverse is a constant-time exponentiation
    /// by n - 2 (Fermat). The result does not depend on b.
    private static func blindedS(k: BigNumber, d: BigNumber, z: BigNumber, r: BigNumber, n: BigNumber,
                                 _ ctx: OpaquePointer) -> BigNumber {
        var blind = randomScalar()
        defer { for i in blind.indices { blind[i] = 0 } }
        let b = BigNumber(blind, secret: true)
        let bk = BigNumber.multiply(b, k, modulo: n, ctx)
        let bkInverse = BigNumber.inverse(bk, modulo: n, ctx)
        let bd = BigNumber.multiply(b, d, modulo: n, ctx)
        let bz = BigNumber.multiply(b, BigNumber.reduce(z, modulo: n, ctx), modulo: n, ctx)
        let sum = BigNumber.add(bz, BigNumber.multiply(r, bd, modulo: n, ctx), modulo: n, ctx)
        return BigNumber.multiply(bkInverse, sum, modulo: n, ctx)
    }

    /// A uniformly random scalar in [1, n - 1] from OpenSSL's private DRBG (rejection sampling).
    static func randomScalar() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        repeat {
            guard RAND_priv_bytes(&bytes, 32) == 1 else { fatalError("RAND_priv_bytes failed: \(Ed25519Backend.lastError())") }
        } while !isValidScalar(bytes)
        return bytes
    }

    /// The affine coordinates of a point, 32 bytes each.
    private static func affine(_ point: Point, _ ctx: OpaquePointer) -> (x: [UInt8], y: [UInt8]) {
        let encoded = encode(point, ctx)
        return (Array(encoded[1..<33]), Array(encoded[33..<65]))
    }

    static func encode(_ point: Point, _ ctx: OpaquePointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 65)
        guard EC_POINT_point2oct(curve.group, point.pointer, POINT_CONVERSION_UNCOMPRESSED, &out, out.count, ctx) == 65 else {
            fatalError("EC_POINT_point2oct failed: \(Ed25519Backend.lastError())")
        }
        return out
    }

    static func withContext<Result>(_ body: (OpaquePointer) -> Result) -> Result {
        guard let ctx = BN_CTX_secure_new() else { fatalError("BN_CTX_secure_new failed: out of memory") }
        defer { BN_CTX_free(ctx) }
        return body(ctx)
    }

    static func check(_ status: Int32, _ call: String) {
        guard status == 1 else { fatalError("\(call) failed: \(Ed25519Backend.lastError())") }
    }

    /// The secp256k1 EC_GROUP, made once.
    static let curve = Curve()

    /// Owns the process's one EC_GROUP for secp256k1.
    final class Curve: @unchecked Sendable {
        let group: OpaquePointer

        init() {
            guard let group = EC_GROUP_new_by_curve_name(NID_secp256k1) else {
                fatalError("EC_GROUP_new_by_curve_name(secp256k1) failed: \(Ed25519Backend.lastError())")
            }
            self.group = group
        }

        deinit { EC_GROUP_free(group) }
    }

    /// Owns one EC_POINT of the curve. Swift may release an object right after its last use,
    /// so a call that takes `pointer` runs inside `withExtendedLifetime` unless the object is
    /// used again afterwards.
    final class Point {
        let pointer: OpaquePointer

        init() {
            guard let point = EC_POINT_new(curve.group) else { fatalError("EC_POINT_new failed: out of memory") }
            pointer = point
        }

        deinit { EC_POINT_clear_free(pointer) }
    }
}
