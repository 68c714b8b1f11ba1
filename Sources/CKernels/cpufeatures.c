// CPUID and XGETBV, which Swift cannot issue: the service compares the CPU's vector
// instructions with the kernels OpenBLAS chose (BLASCoreDecision).
#include "cpufeatures.h"

#include <stdatomic.h>

static atomic_int level_limit = KERNELS_LEVEL_AVX512;

/// The CPU's level, read once: every dispatched kernel call asks for it.
static atomic_int supported_level = -1;

static int read_supported_level(void);

int kernels_vector_level_supported(void) {
    int level = atomic_load_explicit(&supported_level, memory_order_relaxed);
    if (level < 0) {
        level = read_supported_level();
        atomic_store_explicit(&supported_level, level, memory_order_relaxed);
    }
    return level;
}

int kernels_vector_level(void) {
    const int supported = kernels_vector_level_supported();
    const int limit = atomic_load_explicit(&level_limit, memory_order_relaxed);
    return supported < limit ? supported : limit;
}

void kernels_limit_vector_level(int level) { atomic_store_explicit(&level_limit, level, memory_order_relaxed); }

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

void kernels_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (leaf <= __get_cpuid_max(leaf & 0x80000000u, 0)) __cpuid_count(leaf, subleaf, a, b, c, d);
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
}

static int read_supported_level(void) {
    // AVX-512 counts only when the system saves the ZMM state (the compiler's runtime checks
    // XCR0).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return KERNELS_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return KERNELS_LEVEL_AVX2_FMA;
    return KERNELS_LEVEL_BASELINE;
}

uint64_t kernels_xcr0(void) {
    uint32_t regs[4];
    kernels_cpuid(1, 0, regs);
    if (!(regs[2] & (1u << 27))) return 0;  // OSXSAVE: without it XGETBV faults
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#else
void kernels_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    (void)leaf;
    (void)subleaf;
    out[0] = out[1] = out[2] = out[3] = 0;
}

uint64_t kernels_xcr0(void) { return 0; }

static int read_supported_level(void) { return KERNELS_LEVEL_BASELINE; }
#endif
