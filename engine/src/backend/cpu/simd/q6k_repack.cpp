#include "backend/cpu/simd/q6k_repack.h"

#include <cstring>
#include <string>

#include "tern/error.h"
#include "util/thread_pool.h"

namespace tern::simd {

RepackedQ6K repack_q6_k(const TensorView& w, ThreadPool* pool) {
    if (w.type != TypeId::Q6_K)
        throw Error("repack_q6_k: " + type_name(static_cast<uint32_t>(w.type)) + " is not Q6_K");
    RepackedQ6K r;
    r.rows = static_cast<int64_t>(w.n_rows());
    r.k = static_cast<int64_t>(w.ne[0]);
    r.n_groups = (r.rows + kRowGroup - 1) / kRowGroup;
    r.data = alloc_aligned_64(r.bytes(), "repack_q6_k");
    uint8_t* mem = r.data.get();

    const int64_t nb = r.blocks_per_row();
    auto regroup = [&](int64_t g0, int64_t g1) {
        uint8_t codes[kQ6KBlock];
        for (int64_t g = g0; g < g1; ++g) {
            uint8_t* group = mem + static_cast<size_t>(g) * r.group_bytes();
            std::memset(group, 0, r.group_bytes());  // padding rows: code 0 with scale 0 adds nothing
            uint8_t* scales = group + static_cast<size_t>(nb) * kQ6CodeBytes;  // as group_scales(g), writable
            uint8_t* d = scales + static_cast<size_t>(nb) * kQ6ScaleBytes;
            for (int lane = 0; lane < kRowGroup; ++lane) {
                const int64_t row = g * kRowGroup + lane;
                if (row >= r.rows) break;
                for (int64_t b = 0; b < nb; ++b) {
                    const uint8_t* src = w.data + (static_cast<size_t>(row) * nb + b) * kQ6KBlockBytes;
                    q6_k_codes(src, codes);
                    uint8_t* sb = group + static_cast<size_t>(b) * kQ6CodeBytes;
                    for (int j = 0; j < kQ6SubBlocks; ++j, sb += kQ6SubBlockBytes) {
                        // Register R_m's 4 bytes in this row's lane are codes 16j + 4m .. + 3.
                        uint32_t r[4], n0, n1, h;
                        std::memcpy(r, codes + kQ6SubBlock * j, sizeof r);
                        n0 = (r[0] & 0x0F0F0F0Fu) | (r[1] & 0x0F0F0F0Fu) << 4;
                        n1 = (r[2] & 0x0F0F0F0Fu) | (r[3] & 0x0F0F0F0Fu) << 4;
                        h = (r[0] >> 4 & 0x03030303u) | (r[1] >> 4 & 0x03030303u) << 2 |
                            (r[2] >> 4 & 0x03030303u) << 4 | (r[3] >> 4 & 0x03030303u) << 6;
                        std::memcpy(sb + 4 * lane, &n0, 4);
                        std::memcpy(sb + 64 + 4 * lane, &n1, 4);
                        std::memcpy(sb + 128 + 4 * lane, &h, 4);
                        scales[(b * kQ6SubBlocks + j) * kRowGroup + lane] = src[192 + j];
                    }
                    d[(b * kRowGroup + lane) * 2] = src[208];
                    d[(b * kRowGroup + lane) * 2 + 1] = src[209];
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
