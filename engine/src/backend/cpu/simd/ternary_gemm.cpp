// Kernel selection and the ISA-neutral driver: token tiling, the code-offset correction and the
// float epilogue shared by every kernel.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend/cpu/simd/cpu_features.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "tern/error.h"

namespace tern::simd {

namespace {

const TernaryKernel kScalar{KernelIsa::scalar, "scalar", detail::kScalarTile, detail::kScalarGroups,
                            detail::group_dot_scalar, nullptr, detail::scale_group_scalar, detail::quantize_row_scalar};
#if defined(TERN_SIMD_X86)
const TernaryKernel kAvx2{KernelIsa::avx2, "avx2", detail::kAvx2Tile, detail::kAvx2Groups, detail::group_dot_avx2, nullptr,
                          detail::scale_group_avx2, detail::quantize_row_avx2};
const TernaryKernel kAvx512Vnni{KernelIsa::avx512vnni, "avx512vnni", detail::kAvx512Tile, detail::kAvx512Groups,
                                detail::group_dot_avx512vnni, nullptr, detail::scale_group_avx512,
                                detail::quantize_row_avx512};
// With VBMI the AVX-512 kernel also reads the fields5 layout.
const FieldsKernel kAvx512Fields{detail::fields_dot_avx512vbmi, detail::fields_unpack_avx512vbmi,
                                 detail::planes_dot_avx512};
const TernaryKernel kAvx512VnniVbmi{KernelIsa::avx512vnni, "avx512vnni", detail::kAvx512Tile, detail::kAvx512Groups,
                                    detail::group_dot_avx512vnni, &kAvx512Fields,
                                    detail::scale_group_avx512, detail::quantize_row_avx512};
const TernaryKernel kAvxVnni{KernelIsa::avxvnni, "avxvnni", detail::kAvxVnniTile, detail::kAvxVnniGroups,
                             detail::group_dot_avxvnni, nullptr, detail::scale_group_avx2, detail::quantize_row_avx2};
const TernaryKernel kAvxVnniEvex{KernelIsa::avxvnni, "avxvnni", detail::kAvxVnniTile, detail::kAvxVnniGroups,
                                 detail::group_dot_avxvnni_evex, nullptr,
                                 detail::scale_group_avx2, detail::quantize_row_avx2};
#endif
#if defined(TERN_SIMD_ARM64)
const TernaryKernel kNeon{KernelIsa::neon, "neon", detail::kNeonTile, detail::kNeonGroups, detail::group_dot_neon, nullptr,
                          detail::scale_group_neon, detail::quantize_row_neon};
#endif

const TernaryKernel& choose_kernel() {
    if (const char* env = std::getenv("TERN_CPU_KERNEL"); env != nullptr && *env != '\0') {
        const auto isa = parse_kernel_name(env);
        if (!isa)
            throw Error(std::string("TERN_CPU_KERNEL: unknown kernel '") + env + "' (scalar, avx2, avx512vnni, avxvnni, neon)");
        const TernaryKernel* k = find_kernel(*isa);
        if (k == nullptr) throw Error(std::string("TERN_CPU_KERNEL: this CPU or build has no '") + env + "' kernel");
        return *k;
    }
    for (KernelIsa isa : {KernelIsa::avx512vnni, KernelIsa::avxvnni, KernelIsa::avx2, KernelIsa::neon})
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

}  // namespace

const TernaryKernel* find_kernel(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::scalar: return &kScalar;
#if defined(TERN_SIMD_X86)
        case KernelIsa::avx2: return cpu_features().avx2 ? &kAvx2 : nullptr;
        case KernelIsa::avx512vnni:
            if (!cpu_features().avx512vnni) return nullptr;
            return cpu_features().avx512vbmi ? &kAvx512VnniVbmi : &kAvx512Vnni;
        case KernelIsa::avxvnni:
            if (cpu_features().avxvnni) return &kAvxVnni;
            return cpu_features().avx512vnni ? &kAvxVnniEvex : nullptr;
#endif
#if defined(TERN_SIMD_ARM64)
        case KernelIsa::neon: return cpu_features().neon_dotprod ? &kNeon : nullptr;
#endif
        default: return nullptr;  // not compiled for this architecture
    }
}

std::optional<KernelIsa> parse_kernel_name(std::string_view name) {
    if (name == "scalar") return KernelIsa::scalar;
    if (name == "avx2") return KernelIsa::avx2;
    if (name == "avx512vnni") return KernelIsa::avx512vnni;
    if (name == "avxvnni") return KernelIsa::avxvnni;
    if (name == "neon") return KernelIsa::neon;
    return std::nullopt;
}

const TernaryKernel& best_kernel() {
    static const TernaryKernel& kernel = choose_kernel();
    return kernel;
}

void pack_tiles(const TernaryKernel& kernel, const int8_t* q, int n_tokens, int64_t k, int32_t* tiles) {
    const int64_t words = k / 4;
    for (int t0 = 0; t0 < n_tokens; t0 += kernel.max_tile_tokens) {
        const int nt = std::min(kernel.max_tile_tokens, n_tokens - t0);
        int32_t* tile = tiles + t0 * words;
        for (int t = 0; t < nt; ++t) {
            const int8_t* row = q + static_cast<size_t>(t0 + t) * k;
            for (int64_t j = 0; j < words; ++j) std::memcpy(tile + j * nt + t, row + 4 * j, 4);
        }
    }
}

void ternary_gemm(const TernaryKernel& kernel, const RepackedTernary& w, int64_t row_begin, int64_t row_end,
                  const QuantizedBatch& act, float extra_scale, float* out, int out_stride) {
    const int n_tokens = act.n_tokens;
    if (row_begin < 0 || row_end > w.rows || row_begin > row_end || n_tokens < 0)
        throw Error("ternary_gemm: rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                    ") or " + std::to_string(n_tokens) + " tokens out of range for a matrix of " +
                    std::to_string(w.rows) + " rows");
    if (act.k != w.k)
        throw Error("ternary_gemm: activations of length " + std::to_string(act.k) + " for rows of " +
                    std::to_string(w.k));
    const bool fields5 = w.layout == TernaryLayout::fields5;
    if (fields5 && kernel.fields == nullptr)
        throw Error(std::string("ternary_gemm: the ") + kernel.name + " kernel cannot read the 5-bit field layout");
    if (row_begin == row_end || n_tokens == 0) return;

    const int64_t k = w.k, n_seg = w.n_seg;
    const int64_t seg_blocks = w.seg_len / kBlockK;
    // Sum of q per token and segment. With one segment it is act.sum; otherwise the per-segment
    // sums cost k adds per token, nothing next to the rows * k products.
    thread_local std::vector<int32_t> seg_act;
    seg_act.resize(static_cast<size_t>(n_tokens * n_seg));
    for (int t = 0; t < n_tokens; ++t) {
        if (n_seg == 1) {
            seg_act[t] = act.sum[t];
            continue;
        }
        const int8_t* q = act.q + static_cast<size_t>(t) * k;
        for (int64_t s = 0; s < n_seg; ++s) {
            int32_t total = 0;
            for (int64_t i = s * w.seg_len; i < (s + 1) * w.seg_len; ++i) total += q[i];
            seg_act[t * n_seg + s] = total;
        }
    }

    const int tile = kernel.max_tile_tokens;
    const int64_t group_sums = static_cast<int64_t>(tile) * n_seg * kRowGroup;  // sums of one group, one tile
    thread_local std::vector<int32_t> sums;
    sums.resize(static_cast<size_t>(kernel.max_tile_groups * group_sums));
    const int64_t g_end = (row_end + kRowGroup - 1) / kRowGroup;
    // Decode streams the weights from DRAM once: one group per pass keeps a single sequential
    // stream per thread, which measured faster here (tg64 21 vs 18 tok/s on 2B4T).
    const int maxg = n_tokens == 1 ? 1 : kernel.max_tile_groups;
    // A fields5 matrix with more than one token tile is unpacked once per pass (k bytes per row).
    const bool unpack = fields5 && n_tokens > tile;
    thread_local AlignedBytes planes{nullptr, nullptr};
    thread_local size_t planes_bytes = 0;
    if (unpack && planes_bytes < static_cast<size_t>(maxg * kRowGroup * k)) {
        planes_bytes = static_cast<size_t>(maxg * kRowGroup * k);
        planes = alloc_aligned_64(planes_bytes, "ternary_gemm");
    }
    for (int64_t g0 = row_begin / kRowGroup; g0 < g_end; g0 += maxg) {
        const int ng = static_cast<int>(std::min<int64_t>(maxg, g_end - g0));
        if (unpack)
            kernel.fields->unpack(w.group_codes(g0), static_cast<int64_t>(w.group_bytes()), k, ng, planes.get());
        // Token tiles inside the group loop: the groups' codes (k * 4 bytes each) stay in cache
        // while every token passes over them.
        for (int t0 = 0; t0 < n_tokens; t0 += tile) {
            const int nt = std::min(tile, n_tokens - t0);
            const int32_t* tile_act = act.tiles + t0 * (k / 4);
            if (unpack)
                kernel.fields->planes_dot(planes.get(), k, tile_act, nt, ng, sums.data());
            else if (fields5)
                kernel.fields->dot(w.group_codes(g0), static_cast<int64_t>(w.group_bytes()), k, tile_act, nt, ng,
                                   sums.data());
            else
                kernel.group_dot(w.group_codes(g0), w.blocks_per_row(), seg_blocks, tile_act, nt, ng, sums.data());
            for (int gi = 0; gi < ng; ++gi) {
                const int64_t g = g0 + gi;
                const int lane_begin = static_cast<int>(std::max<int64_t>(row_begin - g * kRowGroup, 0));
                const int lane_end = static_cast<int>(std::min<int64_t>(row_end - g * kRowGroup, kRowGroup));
                for (int t = 0; t < nt; ++t) {
                    float* o = out + static_cast<size_t>(t0 + t) * out_stride + g * kRowGroup;
                    const int32_t* s = sums.data() + (gi * nt + t) * n_seg * kRowGroup;
                    if (n_seg == 1) {
                        kernel.scale_group(s, seg_act[t0 + t], w.scales.data() + g * kRowGroup, act.scale[t0 + t],
                                           extra_scale, lane_begin, lane_end, o);
                        continue;
                    }
                    for (int lane = lane_begin; lane < lane_end; ++lane) {
                        const int64_t r = g * kRowGroup + lane;
                        o[lane] = epilogue(s + lane, seg_act.data() + (t0 + t) * n_seg, w.scales.data() + r * n_seg,
                                           n_seg, act.scale[t0 + t], extra_scale);
                    }
                }
            }
        }
    }
}

}  // namespace tern::simd
