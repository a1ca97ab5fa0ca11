#include "backend/cpu/simd/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace tern::simd {

namespace {

CpuFeatures detect() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(_M_X64)
    // __builtin_cpu_supports also checks that the OS saves the YMM/ZMM state (XGETBV).
    __builtin_cpu_init();
    // F16C (the AVX2-class kernels convert F16 with it) from CPUID: GCC 12's
    // __builtin_cpu_supports("f16c") reports 0 even where the CPU has it.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
    f.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
    f.avx512vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") && f.avx2;
    f.avx512vbmi = f.avx512vnni && __builtin_cpu_supports("avx512vbmi");
    // CPUID leaf 7, sub-leaf 1, EAX bit 4; the OS support for YMM state is what f.avx2 checked.
    f.avxvnni = __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & bit_AVXVNNI) != 0 && f.avx2;
#endif
#if defined(__aarch64__) && defined(__linux__)
    // The kernel reports what both the CPU and the kernel itself support.
    f.neon_dotprod = (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
    return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect();
    return features;
}

}  // namespace tern::simd
