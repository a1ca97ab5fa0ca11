#include "backend/cpu/simd/elementwise_kernels.h"

namespace tern::simd {

#if defined(TERN_SIMD_X86)
namespace detail {
void glu_relu2_avx2(const float* gate, const float* up, size_t n, float* out);
void to_f16_f16c(const float* x, size_t n, uint16_t* out);
}
#endif

GluFn glu_relu2_for(KernelIsa isa) {
#if defined(TERN_SIMD_X86)
    if (runs_avx2(isa)) return detail::glu_relu2_avx2;
#endif
    (void)isa;
    return nullptr;
}

ToF16Fn to_f16_for(KernelIsa isa) {
#if defined(TERN_SIMD_X86)
    if (runs_avx2(isa)) return detail::to_f16_f16c;
#endif
    (void)isa;
    return nullptr;
}

}  // namespace tern::simd
