#ifndef VERIFIER_SHA256PAIR_H
#define VERIFIER_SHA256PAIR_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the x86 SHA extensions (and SSSE3 / SSE4.1) that
/// `sha256pair_prefixed` uses, else 0. Always 0 on other architectures.
int sha256pair_available(void);

/// Computes two SHA-256 digests in one interleaved pass:
///   out_a = SHA-256(prefix || a[0..length)),  out_b = SHA-256(prefix || b[0..length)).
/// The two messages have the same length, so they have the same padding and block count
/// and the two dependency chains run side by side through the SHA units. `prefix` is the
/// RFC 6962 domain byte (0x00 for leaves, 0x01 for nodes). Requires `sha256pair_available()`.
void sha256pair_prefixed(uint8_t prefix, const uint8_t *a, const uint8_t *b, size_t length,
                         uint8_t out_a[32], uint8_t out_b[32]);

#endif
