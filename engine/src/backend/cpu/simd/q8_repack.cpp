#include "backend/cpu/simd/q8_repack.h"

#include <cstring>
#include <string>

#include "tern/error.h"
#include "util/thread_pool.h"

namespace tern::simd {

RepackedQ8 repack_q8_0(const TensorView& w, ThreadPool* pool) {
    if (w.type != TypeId::Q8_0)
        throw Error("repack_q8_0: " + type_name(static_cast<uint32_t>(w.type)) + " is not Q8_0");
    RepackedQ8 r;
    r.rows = static_cast<int64_t>(w.n_rows());
    r.k = static_cast<int64_t>(w.ne[0]);
    r.n_groups = (r.rows + kRowGroup - 1) / kRowGroup;
    r.data = alloc_aligned_64(r.bytes(), "repack_q8_0");
    uint8_t* mem = r.data.get();

    const int64_t nb = r.blocks_per_row();
    constexpr size_t kSrcBlockBytes = 2 + kQ8Block;  // ggml's block_q8_0: f16 scale, 32 int8
    auto regroup = [&](int64_t g0, int64_t g1) {
        for (int64_t g = g0; g < g1; ++g) {
            uint8_t* codes = mem + static_cast<size_t>(g) * r.group_bytes();
            uint8_t* scales = codes + static_cast<size_t>(nb) * kQ8CodeBytes;
            const size_t used = static_cast<size_t>(nb) * (kQ8CodeBytes + kQ8ScaleBytes);
            std::memset(scales + nb * kQ8ScaleBytes, 0, r.group_bytes() - used);  // the padding to 64 bytes
            for (int64_t b = 0; b < nb; ++b, codes += kQ8CodeBytes, scales += kQ8ScaleBytes) {
                for (int lane = 0; lane < kRowGroup; ++lane) {
                    const int64_t row = g * kRowGroup + lane;
                    const uint8_t* src =
                        row < r.rows ? w.data + (static_cast<size_t>(row) * nb + b) * kSrcBlockBytes : nullptr;
                    // Padding rows: weight 0 (biased 128) and scale 0.
                    for (int i = 0; i < kQ8Block; ++i)
                        codes[(i / 4) * 64 + lane * 4 + i % 4] = src ? static_cast<uint8_t>(src[2 + i] ^ 0x80) : 0x80;
                    scales[2 * lane] = src ? src[0] : 0;
                    scales[2 * lane + 1] = src ? src[1] : 0;
                }
            }
        }
    };
    if (pool != nullptr)
        pool->parallel_for(r.n_groups, 1, regroup);
    else
        regroup(0, r.n_groups);
    return r;
}

}  // namespace tern::simd
