// Kernel selection and the ISA-neutral driver: token tiling, the code-offset correction and the
// float epilogue shared by every kernel.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/cpu/simd/cpu_features.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "tern/error.h"

namespace tern::simd {

namespace {

const TernaryKernel kScalar{KernelIsa::scalar, "scalar", detail::kScalarTile, detail::group_dot_scalar,
                            detail::quantize_row_scalar};
#if defined(TERN_SIMD_X86)
const TernaryKernel kAvx2{KernelIsa::avx2, "avx2", detail::kAvx2Tile, detail::group_dot_avx2,
                          detail::quantize_row_avx2};
const TernaryKernel kAvx512Vnni{KernelIsa::avx512vnni, "avx512vnni", detail::kAvx512Tile,
                                detail::group_dot_avx512vnni, detail::quantize_row_avx512};
#endif

const TernaryKernel& choose_kernel() {
    if (const char* env = std::getenv("TERN_CPU_KERNEL"); env != nullptr && *env != '\0') {
        const auto isa = parse_kernel_name(env);
        if (!isa) throw Error(std::string("TERN_CPU_KERNEL: unknown kernel '") + env + "' (scalar, avx2, avx512vnni)");
        const TernaryKernel* k = find_kernel(*isa);
        if (k == nullptr) throw Error(std::string("TERN_CPU_KERNEL: this CPU or build has no '") + env + "' kernel");
        return *k;
    }
    for (KernelIsa isa : {KernelIsa::avx512vnni, KernelIsa::avx2})
        if (const TernaryKernel* k = find_kernel(isa)) return *k;
    return kScalar;
}

// The reference's float operations, in its order (cpu_ternary_rows): segments whose scales
// compare equal are summed as integers first, then each run is scaled and added to a float sum.
float epilogue(const int32_t* sums, const int32_t* seg_act, const float* scales, int64_t n_seg, float act_scale,
               float extra_scale) {
    float sum = 0.0f;
    int64_t run = 0;
    float run_scale = scales[0];
    for (int64_t s = 0; s < n_seg; ++s) {
        if (scales[s] != run_scale) {
            sum += static_cast<float>(run) * run_scale;
            run = 0;
            run_scale = scales[s];
        }
        // sum of (c - 1) * q = sum of c * q - sum of q over the same elements.
        run += static_cast<int64_t>(sums[s * kRowGroup]) - seg_act[s];
    }
    sum += static_cast<float>(run) * run_scale;
    return sum / act_scale * extra_scale;
}

// The same for a single segment, written so the compiler vectorises it: the epilogue is a
// quarter of the prefill time otherwise. int32 holds the sum exactly (|sum| <= 256 * k).
void epilogue_one_segment(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale,
                          float extra_scale, int lane_begin, int lane_end, float* out) {
    for (int lane = lane_begin; lane < lane_end; ++lane) {
        float sum = 0.0f;  // kept: 0 + -0.0 is +0.0, as in the reference
        sum += static_cast<float>(sums[lane] - act_sum) * scales[lane];
        out[lane] = sum / act_scale * extra_scale;
    }
}

}  // namespace

const TernaryKernel* find_kernel(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::scalar: return &kScalar;
#if defined(TERN_SIMD_X86)
        case KernelIsa::avx2: return cpu_features().avx2 ? &kAvx2 : nullptr;
        case KernelIsa::avx512vnni: return cpu_features().avx512vnni ? &kAvx512Vnni : nullptr;
#else
        default: return nullptr;
#endif
    }
    return nullptr;
}

std::optional<KernelIsa> parse_kernel_name(std::string_view name) {
    if (name == "scalar") return KernelIsa::scalar;
    if (name == "avx2") return KernelIsa::avx2;
    if (name == "avx512vnni") return KernelIsa::avx512vnni;
    return std::nullopt;
}

const TernaryKernel& best_kernel() {
    static const TernaryKernel& kernel = choose_kernel();
    return kernel;
}

void ternary_gemm(const TernaryKernel& kernel, const RepackedTernary& w, int64_t row_begin, int64_t row_end,
                  const int8_t* act_q, const int32_t* act_sum, const float* act_scale, int n_tokens,
                  float extra_scale, float* out, int out_stride) {
    if (row_begin < 0 || row_end > w.rows || row_begin > row_end || n_tokens < 0)
        throw Error("ternary_gemm: rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                    ") or " + std::to_string(n_tokens) + " tokens out of range for a matrix of " +
                    std::to_string(w.rows) + " rows");
    if (row_begin == row_end || n_tokens == 0) return;

    const int64_t k = w.k, n_seg = w.n_seg;
    const int64_t seg_blocks = w.seg_len / kBlockK;
    // Sum of q per token and segment. With one segment it is the caller's act_sum; otherwise the
    // per-segment sums cost k adds per token, nothing next to the rows * k products.
    thread_local std::vector<int32_t> seg_act;
    seg_act.resize(static_cast<size_t>(n_tokens * n_seg));
    for (int t = 0; t < n_tokens; ++t) {
        if (n_seg == 1) {
            seg_act[t] = act_sum[t];
            continue;
        }
        const int8_t* q = act_q + static_cast<size_t>(t) * k;
        for (int64_t s = 0; s < n_seg; ++s) {
            int32_t total = 0;
            for (int64_t i = s * w.seg_len; i < (s + 1) * w.seg_len; ++i) total += q[i];
            seg_act[t * n_seg + s] = total;
        }
    }

    const int tile = kernel.max_tile_tokens;
    thread_local std::vector<int32_t> sums;
    sums.resize(static_cast<size_t>(tile * n_seg * kRowGroup));
    for (int64_t g = row_begin / kRowGroup; g * kRowGroup < row_end; ++g) {
        const int lane_begin = static_cast<int>(std::max<int64_t>(row_begin - g * kRowGroup, 0));
        const int lane_end = static_cast<int>(std::min<int64_t>(row_end - g * kRowGroup, kRowGroup));
        // Token tiles inside the group loop: the group's codes (k * 4 bytes) stay in cache while
        // every token passes over them.
        for (int t0 = 0; t0 < n_tokens; t0 += tile) {
            const int nt = std::min(tile, n_tokens - t0);
            kernel.group_dot(w.group_codes(g), w.blocks_per_row(), seg_blocks, act_q + static_cast<size_t>(t0) * k, k,
                             nt, sums.data());
            for (int t = 0; t < nt; ++t) {
                float* o = out + static_cast<size_t>(t0 + t) * out_stride + g * kRowGroup;
                const int32_t* group_sums = sums.data() + t * n_seg * kRowGroup;
                if (n_seg == 1) {
                    epilogue_one_segment(group_sums, seg_act[t0 + t], w.scales.data() + g * kRowGroup,
                                         act_scale[t0 + t], extra_scale, lane_begin, lane_end, o);
                    continue;
                }
                for (int lane = lane_begin; lane < lane_end; ++lane) {
                    const int64_t r = g * kRowGroup + lane;
                    o[lane] = epilogue(group_sums + lane, seg_act.data() + (t0 + t) * n_seg,
                                       w.scales.data() + r * n_seg, n_seg, act_scale[t0 + t], extra_scale);
                }
            }
        }
    }
}

}  // namespace tern::simd
