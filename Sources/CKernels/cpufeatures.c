// CPUID and XGETBV, which Swift cannot issue: the service compares the CPU's vector
// instructions with the kernels OpenBLAS chose (BLASCoreDecision).
#include "cpufeatures.h"

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
#endif
