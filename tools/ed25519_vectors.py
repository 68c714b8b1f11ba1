#!/usr/bin/env python3
"""Ed25519 edge cases built from first principles: Python integers and the RFC 8032 formulas.

Uses no Ed25519 library (not OpenSSL, not libsodium, not the Swift code), so the points it
calls small-order or mixed are found by arithmetic, not read from a list.

  ed25519_vectors.py small-order
      Every 32-byte encoding of the eight points whose order divides 8, canonical or not:
      JSON [{"hex", "order", "canonical"}], sorted by hex.
  ed25519_vectors.py speccheck --seed N
      Twelve cases {"message", "pub_key", "signature", "condition"} (hex), one per row of the
      condition table of novifinancial/ed25519-speccheck (README.md at commit
      65519336fda78a3d016e947df6d82848aca0c9da; paper: Chalkias, Garillot, Nikolaenko, "Taming
      the many EdDSAs", SSR 2020), built afresh from random.Random(N). Each case is checked
      against the table's cofactored / cofactorless columns before it is printed.
  ed25519_vectors.py identity-r --seed HEX --message-file FILE
      Hex of the signature (R = identity, S = h*a mod L) of the file's bytes under the key of
      that RFC 8032 seed. Cofactorless verification accepts it, as the bytes of [S]B - [h]A
      equal R; strict verification refuses it because R has small order.
"""
import argparse
import hashlib
import json
import random
import sys

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def inverse(x):
    return pow(x, P - 2, P)


# Extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z: RFC 8032 section 5.1.4.
def add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def negate(p):
    return ((-p[0]) % P, p[1], p[2], (-p[3]) % P)


def multiply(k, p):
    result = IDENTITY
    while k > 0:
        if k & 1:
            result = add(result, p)
        p = add(p, p)
        k >>= 1
    return result


def equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


def affine(p):
    z = inverse(p[2])
    return p[0] * z % P, p[1] * z % P


def point(x, y):
    return (x, y, 1, x * y % P)


def recover_x(y, sign):
    """RFC 8032 section 5.1.3 steps 2-4 for a reduced y; None when no x exists."""
    x2 = (y * y - 1) * inverse(D * y * y + 1) % P
    if x2 == 0:
        return 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    return P - x if (x & 1) != sign else x


def encode(p):
    x, y = affine(p)
    return (y | (x & 1) << 255).to_bytes(32, "little")


def encodings(p):
    """Every 32-byte string that decodes to p: the canonical one, y + p where that fits in
    255 bits, and, for x = 0, both again with the sign bit set."""
    x, y = affine(p)
    ys = [y] + ([y + P] if y + P < 2**255 else [])
    signs = [0, 1] if x == 0 else [x & 1]
    return [(y_ | s << 255).to_bytes(32, "little") for y_ in ys for s in signs]


def order(p):
    """The order of a point of small order (1, 2, 4 or 8); None for any other point."""
    q = p
    for n in (1, 2, 4, 8):
        if equal(q, IDENTITY):
            return n
        q = add(q, q)
    return None


BASE = point(recover_x(4 * inverse(5) % P, 0), 4 * inverse(5) % P)


def torsion_generator():
    """A point of order 8: [L]Q kills the prime-order part of Q; try y = 2, 3, ... until one is left of order 8."""
    y = 2
    while True:
        x = recover_x(y, 0)
        if x is not None:
            t = multiply(L, point(x, y))
            if order(t) == 8:
                return t
        y += 1


T8 = torsion_generator()
SMALL = [multiply(k, T8) for k in range(8)]


def small_order_encodings():
    rows = []
    for p in SMALL:
        canonical = encode(p)
        for e in encodings(p):
            rows.append({"hex": e.hex(), "order": order(p), "canonical": e == canonical})
    return sorted(rows, key=lambda r: r["hex"])


def challenge(r_bytes, a_bytes, message):
    return int.from_bytes(hashlib.sha512(r_bytes + a_bytes + message).digest(), "little") % L


def cofactorless(a, r, s, h):
    """[S]B == R + [h]A as points."""
    return equal(multiply(s, BASE), add(r, multiply(h, a)))


def cofactored(a, r, s, h):
    """[8]([S]B - R - [h]A) == identity."""
    return equal(multiply(8, add(multiply(s, BASE), negate(add(r, multiply(h, a))))), IDENTITY)


def cofactored_prereduced(a, r, s, h):
    """[8S]B == [8]R + [8h mod L]A: the variant that reduces 8h before multiplying."""
    return equal(multiply(8 * s, BASE), add(multiply(8, r), multiply(8 * h % L, a)))


class Builder:
    """Draws scalars, torsion points and messages from one seeded generator."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def scalar(self):
        return self.rng.randrange(1, L)

    def torsion(self, exact_order=None):
        while True:
            t = SMALL[self.rng.randrange(1, 8)]
            if exact_order is None or order(t) == exact_order:
                return t

    def message(self):
        return self.rng.randbytes(32)

    def search(self, make):
        """Calls make(message) on fresh messages until it returns a case (not None)."""
        for _ in range(10_000):
            found = make(self.message())
            if found is not None:
                return found
        raise RuntimeError("no message found")


def speccheck_cases(seed):
    b = Builder(seed)
    cases = []

    def emit(condition, message, a_bytes, r_bytes, s, want_cofactored, want_cofactorless, a, r, h):
        got = (cofactored(a, r, s, h), cofactorless(a, r, s, h))
        assert got == (want_cofactored, want_cofactorless), (condition, got)
        cases.append({"message": message.hex(), "pub_key": a_bytes.hex(),
                      "signature": (r_bytes + s.to_bytes(32, "little")).hex(), "condition": condition})

    # 0: S = 0, small A, small R; R = -[h]A makes both equations hold.
    a = T8
    r = b.torsion()
    m, h = b.search(lambda m: (m, challenge(encode(r), encode(a), m))
                    if equal(r, negate(multiply(challenge(encode(r), encode(a), m), a))) else None)
    emit("S = 0, small A, small R", m, encode(a), encode(r), 0, True, True, a, r, h)

    # 1: small A, mixed R = [k]B + T; S = k works when [h]A = -T.
    a, k, t = T8, b.scalar(), b.torsion()
    r = add(multiply(k, BASE), t)
    m, h = b.search(lambda m: (m, challenge(encode(r), encode(a), m))
                    if equal(multiply(challenge(encode(r), encode(a), m), a), negate(t)) else None)
    emit("0 < S < L, small A, mixed R", m, encode(a), encode(r), k, True, True, a, r, h)

    # 2: mixed A = [x]B + T, small R; S = hx works when R = -[h]T.
    x, t = b.scalar(), b.torsion(8)
    a, r = add(multiply(x, BASE), t), b.torsion()
    m, h = b.search(lambda m: (m, challenge(encode(r), encode(a), m))
                    if equal(r, negate(multiply(challenge(encode(r), encode(a), m), t))) else None)
    emit("0 < S < L, mixed A, small R", m, encode(a), encode(r), h * x % L, True, True, a, r, h)

    # 3 and 4: mixed A and mixed R; S = k + hx. Cofactorless holds iff the torsion parts cancel.
    x, t_a, k, t_r = b.scalar(), b.torsion(8), b.scalar(), b.torsion()
    a, r = add(multiply(x, BASE), t_a), add(multiply(k, BASE), t_r)
    for condition, cancel in (("0 < S < L, mixed A, mixed R, torsion cancels", True),
                              ("0 < S < L, mixed A, mixed R, torsion left over", False)):
        m, h = b.search(lambda m: (m, challenge(encode(r), encode(a), m))
                        if equal(multiply(challenge(encode(r), encode(a), m), t_a), negate(t_r)) == cancel else None)
        emit(condition, m, encode(a), encode(r), (k + h * x) % L, True, cancel, a, r, h)

    # 5: mixed A, R of order L; cofactored holds, cofactorless does not, and the pre-reduced
    # cofactored variant fails because (8h mod L) - 8h is not a multiple of the torsion's order.
    x, t_a, k = b.scalar(), b.torsion(8), b.scalar()
    a, r = add(multiply(x, BASE), t_a), multiply(k, BASE)

    def prereduced_fails(m):
        h = challenge(encode(r), encode(a), m)
        fails = not equal(multiply(h, t_a), IDENTITY) and not cofactored_prereduced(a, r, (k + h * x) % L, h)
        return (m, h) if fails else None
    m, h = b.search(prereduced_fails)
    emit("0 < S < L, mixed A, R of order L: cofactored only, and only unreduced", m, encode(a), encode(r),
         (k + h * x) % L, True, False, a, r, h)

    # 6 and 7: A and R of order L, a genuine S plus L (still below 2^253) and plus 2L (at least 2^253).
    x, k = b.scalar(), b.scalar()
    a, r = multiply(x, BASE), multiply(k, BASE)
    m, h = b.search(lambda m: (m, challenge(encode(r), encode(a), m))
                    if (k + challenge(encode(r), encode(a), m) * x) % L + L < 2**253 else None)
    s = (k + h * x) % L
    emit("S = s + L > L", m, encode(a), encode(r), s + L, True, True, a, r, h)
    emit("S = s + 2L >= 2^253", m, encode(a), encode(r), s + 2 * L, True, True, a, r, h)

    # 8 and 9: R = (0, -1) written with the sign bit set (non-canonical), mixed A of even order;
    # S = hx works when [h]T = R. The hash covers R's canonical bytes (8) or the bytes as sent (9).
    minus_one = SMALL[4]
    assert order(minus_one) == 2
    r_bytes = [e for e in encodings(minus_one) if e != encode(minus_one)][0]
    x, t_a = b.scalar(), b.torsion(8)
    a = add(multiply(x, BASE), t_a)
    for condition, hashed in (("non-canonical R (x = 0, sign bit set), hashed reduced", encode(minus_one)),
                              ("non-canonical R (x = 0, sign bit set), hashed as sent", r_bytes)):
        m, h = b.search(lambda m: (m, challenge(hashed, encode(a), m))
                        if equal(multiply(challenge(hashed, encode(a), m), t_a), negate(minus_one)) else None)
        emit(condition, m, encode(a), r_bytes, h * x % L, True, True, a, minus_one, h)

    # 10 and 11: A = (0, -1) written with the sign bit set, mixed R = [k]B + A; S = k works
    # when h is odd. The hash covers A's canonical bytes (10) or the bytes as sent (11).
    a = minus_one
    a_bytes = r_bytes
    k = b.scalar()
    r = add(multiply(k, BASE), minus_one)
    for condition, hashed in (("non-canonical A (x = 0, sign bit set), hashed reduced", encode(minus_one)),
                              ("non-canonical A (x = 0, sign bit set), hashed as sent", a_bytes)):
        m, h = b.search(lambda m: (m, challenge(encode(r), hashed, m))
                        if challenge(encode(r), hashed, m) % 2 == 1 else None)
        emit(condition, m, a_bytes, encode(r), k, True, True, a, r, h)
    return cases


def identity_r_signature(seed, message):
    """RFC 8032 section 5.1.5 key from the seed; R = identity and S = h*a make [S]B - [h]A the identity."""
    digest = hashlib.sha512(seed).digest()
    a = int.from_bytes(digest[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    public = encode(multiply(a, BASE))
    r_bytes = encode(IDENTITY)
    h = challenge(r_bytes, public, message)
    return r_bytes + (h * a % L).to_bytes(32, "little")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("small-order")
    p = commands.add_parser("speccheck")
    p.add_argument("--seed", type=int, required=True)
    p = commands.add_parser("identity-r")
    p.add_argument("--seed", required=True, help="32-byte RFC 8032 seed, hex")
    p.add_argument("--message-file", required=True)
    args = parser.parse_args()
    if args.command == "small-order":
        json.dump(small_order_encodings(), sys.stdout, indent=1)
    elif args.command == "speccheck":
        json.dump(speccheck_cases(args.seed), sys.stdout, indent=1)
    else:
        with open(args.message_file, "rb") as f:
            print(identity_r_signature(bytes.fromhex(args.seed), f.read()).hex())
    print()


if __name__ == "__main__":
    main()
