#ifndef VERIFIER_CPUFEATURES_H
#define VERIFIER_CPUFEATURES_H

#include <stdint.h>

/// Runs the x86 CPUID instruction for `leaf` and `subleaf` and writes EAX, EBX, ECX, EDX to
/// `out`. Writes zeros for a leaf above the CPU's highest basic leaf, and on other architectures.
void kernels_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/// XCR0, the register state the operating system saves (bits 1-2 SSE/AVX, 5-7 AVX-512), read
/// with XGETBV; 0 when the CPU or the system does not offer XGETBV (CPUID.1:ECX.OSXSAVE clear),
/// and on other architectures.
uint64_t kernels_xcr0(void);

#endif
