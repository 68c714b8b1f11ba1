"""Strict Ed25519 acceptance of keys and signatures (docs/protocol-parts/attestations.md,
"Which keys and signatures are accepted"), shared by the Python references: OpenSSL and
pyca/cryptography check S < L and the verification equation, not these encoding rules.
"""
P, L = 2**255 - 19, 2**252 + 27742317777372353535851937790883648493
# y of the points of order 8 (the others of small order have y in {0, 1, P - 1}); P and P + 1
# are the non-canonical encodings of y = 0 and y = 1 that fit in 255 bits.
Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022
SMALL_ORDER_Y = {0, 1, P - 1, Y8, P - Y8, P, P + 1}


def acceptable_point(b):
    """A 32-byte key or R that is canonical and not of small order."""
    y, sign = int.from_bytes(b, "little") & (2**255 - 1), b[31] >> 7
    return y < P and not (sign and y in (1, P - 1)) and y not in SMALL_ORDER_Y


def acceptable_signature(sig):
    return len(sig) == 64 and acceptable_point(sig[:32]) and int.from_bytes(sig[32:], "little") < L
