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

/// The builds of the vector kernels (gemm.c, activations.c), in increasing order.
enum {
    KERNELS_LEVEL_BASELINE = 0,  // baseline x86-64 (SSE2), or the target's own
    KERNELS_LEVEL_AVX2_FMA = 1,  // AVX2 + FMA
    KERNELS_LEVEL_AVX512 = 2,    // AVX-512 F (the packed GEMM; the others stay at AVX2 + FMA)
};

/// The widest build this CPU runs and its system saves the registers of (XCR0).
int kernels_vector_level_supported(void);

/// The build the dispatched kernels run: the supported level, lowered by
/// `kernels_limit_vector_level`. AVX2 + FMA and AVX-512 give the same bits; the baseline
/// build's separate multiply and add do not.
int kernels_vector_level(void);

/// Caps `kernels_vector_level` at `level` for the rest of the process (a level above the
/// supported one changes nothing). The service follows the OpenBLAS core this way, so that
/// `OPENBLAS_CORETYPE=Haswell` runs every kernel on the AVX2 path (KernelLevel.swift).
void kernels_limit_vector_level(int level);

#endif
