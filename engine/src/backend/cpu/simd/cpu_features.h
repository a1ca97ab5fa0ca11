#pragma once
// Which SIMD instruction sets this CPU (and OS) can run, detected once.
namespace tern::simd {

struct CpuFeatures {
    bool avx2 = false;          // with FMA and F16C
    bool avx512vnni = false;    // AVX-512 F, BW, VL and VNNI together
    bool avx512vbmi = false;    // and VBMI (byte permutes, multishift)
    bool avxvnni = false;       // AVX-VNNI (VEX-encoded 256-bit vpdpbusd), with AVX2
    bool neon_dotprod = false;  // aarch64 Advanced SIMD with the dot-product extension (sdot)
};

const CpuFeatures& cpu_features();

}  // namespace tern::simd
