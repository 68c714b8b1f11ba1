#ifndef VERIFIER_KECCAK256_H
#define VERIFIER_KECCAK256_H

#include <stddef.h>
#include <stdint.h>

/// Keccak-256 as Ethereum uses it: the Keccak[c = 512] sponge (rate 136 bytes) over
/// keccak-f[1600] with the original Keccak padding (first pad byte 0x01, last 0x80), not
/// the 0x06 of FIPS 202 SHA3-256. Writes the 32-byte digest of `message[0..length)` to `out`.
/// `message` may be NULL when `length` is 0.
void keccak256(uint8_t out[32], const uint8_t *message, size_t length);

#endif
