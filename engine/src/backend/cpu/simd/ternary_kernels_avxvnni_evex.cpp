// The 256-bit VNNI ternary kernel in its AVX-512 VL + VNNI (EVEX) encoding: the same code as the
// AVX-VNNI kernel, run on AVX-512 VNNI CPUs when TERN_CPU_KERNEL=avxvnni forces it, so that CPUs
// without AVX-VNNI (this project's test machines) still test it. See ternary_vnni256_tile.h.
#include "backend/cpu/simd/x86_intrinsics.h"

#include "backend/cpu/simd/ternary_vnni256_tile.h"

namespace tern::simd::detail {

namespace {
struct EvexDpbusd {
    __m256i operator()(__m256i acc, __m256i codes, __m256i act) const { return _mm256_dpbusd_epi32(acc, codes, act); }
};
}  // namespace

void group_dot_avxvnni_evex(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                            int n_grp, int32_t* sums) {
    vnni256_group_dot<EvexDpbusd>(codes, n_blocks, seg_blocks, act, n_tok, n_grp, sums);
}

}  // namespace tern::simd::detail
