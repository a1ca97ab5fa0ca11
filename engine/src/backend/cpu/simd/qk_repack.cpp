#include "backend/cpu/simd/qk_repack.h"

#include <cstring>
#include <string>

#include "tern/error.h"
#include "util/thread_pool.h"

namespace tern::simd {

RepackedQK repack_qk(const TensorView& w, ThreadPool* pool) {
    if (w.type != TypeId::Q4_K && w.type != TypeId::Q5_K)
        throw Error("repack_qk: " + type_name(static_cast<uint32_t>(w.type)) + " is not Q4_K or Q5_K");
    RepackedQK r;
    r.rows = static_cast<int64_t>(w.n_rows());
    r.k = static_cast<int64_t>(w.ne[0]);
    r.n_groups = (r.rows + kRowGroup - 1) / kRowGroup;
    r.five_bits = w.type == TypeId::Q5_K;
    r.data = alloc_aligned_64(r.bytes(), "repack_qk");
    uint8_t* mem = r.data.get();

    const int64_t nb = r.blocks_per_row();
    const size_t src_block_bytes = r.five_bits ? kQ5KBlockBytes : kQ4KBlockBytes;
    auto regroup = [&](int64_t g0, int64_t g1) {
        uint8_t codes[kQKBlock], scales[kQKSubBlocks], mins[kQKSubBlocks];
        for (int64_t g = g0; g < g1; ++g) {
            std::memset(mem + static_cast<size_t>(g) * r.group_bytes(), 0, r.group_bytes());  // padding rows add 0
            for (int lane = 0; lane < kRowGroup; ++lane) {
                const int64_t row = g * kRowGroup + lane;
                if (row >= r.rows) break;
                for (int64_t b = 0; b < nb; ++b) {
                    const uint8_t* src = w.data + (static_cast<size_t>(row) * nb + b) * src_block_bytes;
                    qk_codes(src, r.five_bits, codes, scales, mins);
                    uint8_t* blk = mem + r.block_offset(g, b);
                    uint8_t* tail = blk + r.tail_offset();
                    for (int j = 0; j < kQKSubBlocks; ++j) {
                        const uint8_t* c = codes + kQKSubBlock * j;  // R_m's 4 bytes are c[4m .. 4m + 3]
                        for (int p = 0; p < 4; ++p)
                            for (int i = 0; i < 4; ++i)
                                blk[256 * j + 64 * p + 4 * lane + i] =
                                    static_cast<uint8_t>((c[8 * p + i] & 15) | (c[8 * p + 4 + i] & 15) << 4);
                        if (r.five_bits)
                            for (int i = 0; i < 4; ++i) {
                                uint8_t h = 0;
                                for (int m = 0; m < 8; ++m) h |= static_cast<uint8_t>((c[4 * m + i] >> 4) << m);
                                blk[kQKCodeBytes + 64 * j + 4 * lane + i] = h;
                            }
                        tail[j * kRowGroup + lane] = scales[j];
                        tail[kQKScaleBytes + j * kRowGroup + lane] = mins[j];
                    }
                    std::memcpy(tail + 2 * kQKScaleBytes + 2 * lane, src, 2);                      // d
                    std::memcpy(tail + 2 * kQKScaleBytes + 2 * kRowGroup + 2 * lane, src + 2, 2);  // dmin
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
