#include "backend/cpu/simd/attention_kernels.h"

namespace tern::simd {

#if defined(TERN_SIMD_X86)
namespace detail {
void attention_f16_avx2(const float* q, int group, const uint16_t* k_cache, const uint16_t* v_cache, int kv_stride,
                        int kv_offset, int head_dim, int n_pos, float* scores, float* out);
void attention_q8_avx2(const float* q, int group, KvQ8Rows k, KvQ8Rows v, int head_dim, int n_pos, float* scores,
                       float* out);
}  // namespace detail
#endif

AttentionF16Fn attention_f16_for(KernelIsa isa) {
#if defined(TERN_SIMD_X86)
    if (runs_avx2(isa)) return detail::attention_f16_avx2;
#endif
    (void)isa;
    return nullptr;
}

AttentionQ8Fn attention_q8_for(KernelIsa isa) {
#if defined(TERN_SIMD_X86)
    if (runs_avx2(isa)) return detail::attention_q8_avx2;
#endif
    (void)isa;
    return nullptr;
}

}  // namespace tern::simd
