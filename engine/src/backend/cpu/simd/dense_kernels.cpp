#include "backend/cpu/simd/dense_kernels.h"

#include "backend/cpu/simd/dense_kernels_impl.h"

#include "backend/cpu/cpu_ops.h"

namespace tern::simd {

namespace {
#if defined(TERN_SIMD_X86)
// maddubs would saturate on the biased weights of the repacked Q8_0 layout: AVX2 keeps Q8_0's own.
const DenseKernel kAvx2{"avx2", detail::dense_f16_avx2, detail::dense_q8_0_avx2, nullptr, detail::packed_q6_k_avx2,
                        detail::packed_qk_avx2};
// The CPU backend repacks every Q8_0 matrix for AVX-512, so only the repacked kernel exists there.
const DenseKernel kAvx512{"avx512", detail::dense_f16_avx512, nullptr, detail::packed_q8_0_avx512,
                          detail::packed_q6_k_avx512, detail::packed_qk_avx512};
#endif
#if defined(TERN_SIMD_ARM64)
// Only the k-quant heads have NEON kernels so far; the other dense types run the reference.
const DenseKernel kNeon{"neon", nullptr, nullptr, nullptr, nullptr, detail::packed_qk_neon};
#endif
}  // namespace

const DenseKernel* dense_kernel_for(KernelIsa isa) {
    switch (isa) {
#if defined(TERN_SIMD_X86)
        case KernelIsa::avx2:
        case KernelIsa::avxvnni:
            return &kAvx2;
        case KernelIsa::avx512vnni:
            return &kAvx512;
#endif
#if defined(TERN_SIMD_ARM64)
        case KernelIsa::neon:
            return &kNeon;
#endif
        default:
            return nullptr;
    }
}

DenseRowsFn dense_rows_fn(const DenseKernel& kernel, TypeId type) {
    switch (type) {
        case TypeId::F16:
            return kernel.f16;
        case TypeId::Q8_0:
            return kernel.q8_0;
        default:
            return nullptr;
    }
}

void detail::Q6Activations::quantize(const float* x, int64_t k) {
    q.resize(k);
    d.resize(k / 32);
    bias.resize(k / kQ6SubBlock);
    cpu_quantize_q8_0_activations(x, static_cast<int>(k), q.data(), d.data());
    for (int64_t s = 0; s < k / kQ6SubBlock; ++s) {
        int32_t sum = 0;
        for (int i = 0; i < kQ6SubBlock; ++i) sum += q[s * kQ6SubBlock + i];
        bias[s] = 32 * sum;
    }
}

void detail::QKActivations::quantize(const float* x, int64_t k) {
    q.resize(k);
    d.resize(k / kQKSubBlock);
    sum_d.resize(k / kQKSubBlock);
    cpu_quantize_q8_0_activations(x, static_cast<int>(k), q.data(), d.data());
    for (int64_t s = 0; s < k / kQKSubBlock; ++s) {
        int32_t sum = 0;
        for (int i = 0; i < kQKSubBlock; ++i) sum += q[s * kQKSubBlock + i];
        sum_d[s] = static_cast<float>(sum) * d[s];
    }
}

}  // namespace tern::simd
