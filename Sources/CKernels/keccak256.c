// Keccak-256 (Ethereum's hash): the sponge of "The Keccak reference", version 3.0 (Bertoni,
// Daemen, Peeters, Van Assche, 2011), with capacity 512 bits, rate 1088 bits (136 bytes) and
// the pad10*1 padding of the Keccak submission (domain byte 0x01). FIPS 202's SHA3-256 differs
// only in that byte (0x06); OpenSSL 3.0 has SHA3-256 but no Keccak-256 (added in 3.2).
//
// The permutation is the plain lane-by-lane keccak-f[1600] of the reference's section 1.2:
// theta, rho and pi, chi, iota over 24 rounds on 25 64-bit lanes A[x + 5y], bytes read
// little-endian into lanes. Tests compare it with published vectors and with pycryptodome.
#include "keccak256.h"

#include <string.h>

enum { RATE = 136, ROUNDS = 24 };

/// Round constants RC[i] of iota (reference section 1.2, table 2).
static const uint64_t RC[ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/// Rotation offsets r[x][y] of rho, indexed x + 5y (reference section 1.2, table 1).
static const unsigned ROTATION[25] = {
     0,  1, 62, 28, 27,
    36, 44,  6, 55, 20,
     3, 10, 43, 25, 39,
    41, 45, 15, 21,  8,
    18,  2, 61, 56, 14,
};

static inline uint64_t rotl(uint64_t v, unsigned n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

static void keccak_f1600(uint64_t A[25]) {
    for (int round = 0; round < ROUNDS; round++) {
        // theta: each lane gets the parities of two neighbouring columns.
        uint64_t C[5], D[5];
        for (int x = 0; x < 5; x++) C[x] = A[x] ^ A[x + 5] ^ A[x + 10] ^ A[x + 15] ^ A[x + 20];
        for (int x = 0; x < 5; x++) D[x] = C[(x + 4) % 5] ^ rotl(C[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++) A[i] ^= D[i % 5];
        // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
        uint64_t B[25];
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 5; y++) {
                B[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(A[x + 5 * y], ROTATION[x + 5 * y]);
            }
        }
        // chi: the only non-linear step, along each row.
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                A[x + 5 * y] = B[x + 5 * y] ^ (~B[(x + 1) % 5 + 5 * y] & B[(x + 2) % 5 + 5 * y]);
            }
        }
        // iota
        A[0] ^= RC[round];
    }
}

/// XORs one 136-byte block into the first 17 lanes, little-endian.
static void absorb_block(uint64_t A[25], const uint8_t *block) {
    for (int i = 0; i < RATE / 8; i++) {
        uint64_t lane = 0;
        for (int b = 7; b >= 0; b--) lane = (lane << 8) | block[8 * i + b];
        A[i] ^= lane;
    }
}

void keccak256(uint8_t out[32], const uint8_t *message, size_t length) {
    uint64_t A[25] = {0};
    while (length >= RATE) {
        absorb_block(A, message);
        keccak_f1600(A);
        message += RATE;
        length -= RATE;
    }
    // The last, padded block: a message that fills whole blocks gets one block of padding.
    uint8_t last[RATE] = {0};
    if (length > 0) memcpy(last, message, length);
    last[length] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb_block(A, last);
    keccak_f1600(A);
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(A[i / 8] >> (8 * (i % 8)));
}
