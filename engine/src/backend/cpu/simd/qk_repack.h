#pragma once
// Load-time regrouping of a Q4_K or Q5_K matrix (the k-quant LM heads of llama.cpp's files) for the
// SIMD dot products, as q6k_repack.h does for Q6_K: 16 rows share each instruction and activation
// broadcast, so there are no per-row horizontal sums, and the codes unpack with whole-register
// shifts and masks instead of Q4_K's per-row nibble and scale gathering.
//
// Layout. Rows go in groups of kRowGroup = 16 (the last group padded with zero codes, scales and
// mins). A group holds its k/256 super-blocks one after the other, each kQ4KPackedBytes or
// kQ5KPackedBytes (a multiple of 64, so every register load is aligned):
//   codes  8 sub-blocks x 4 registers of 64 bytes. In row r's 32-bit lane, register R_m (m 0..7)
//          would hold the codes of the sub-block's weights 4m .. 4m + 3; stored are
//          N_p = R_2p | R_2p+1 << 4 (p 0..3), a nibble each.
//   high   Q5_K only: 8 sub-blocks x 64 bytes; bit m of byte i of row r's lane is the fifth bit
//          (16) of the code of weight 4m + i.
//   scales [sub-block][row] uint8, then mins likewise (the 6-bit values, unpacked).
//   d      [row] F16, then dmin likewise.
// That is 148 bytes per 256 weights per row for Q4_K (144 in the file: the 12 bytes of packed 6-bit
// scales and mins become 16) and 180 for Q5_K (176).
#include <cstddef>
#include <cstdint>

#include "backend/cpu/simd/ternary_repack.h"
#include "tensor/type_traits.h"

namespace tern {
class ThreadPool;
}

namespace tern::simd {

inline constexpr int kQKCodeBytes = kQKSubBlocks * 4 * 64;                          // 2048 per super-block
inline constexpr int kQKHighBytes = kQKSubBlocks * 64;                              // 512 (Q5_K only)
inline constexpr int kQKScaleBytes = kQKSubBlocks * kRowGroup;                      // 128, and as many for the mins
inline constexpr int kQKTailBytes = 2 * kQKScaleBytes + 2 * kRowGroup * 2;          // scales, mins, d, dmin
inline constexpr int kQ4KPackedBytes = kQKCodeBytes + kQKTailBytes;                 // 2368
inline constexpr int kQ5KPackedBytes = kQKCodeBytes + kQKHighBytes + kQKTailBytes;  // 2880
static_assert(kQ4KPackedBytes % 64 == 0 && kQ5KPackedBytes % 64 == 0);

// One super-block of a group, as the kernels read it.
struct QKBlock {
    const uint8_t* codes;   // sub-block j's registers at codes + 256 * j
    const uint8_t* high;    // sub-block j's at high + 64 * j (Q5_K; nullptr for Q4_K)
    const uint8_t* scales;  // [j][row]
    const uint8_t* mins;    // [j][row]
    const uint16_t* d;      // [row]
    const uint16_t* dmin;   // [row]
};

struct RepackedQK {
    int64_t rows = 0;
    int64_t k = 0;  // a multiple of kQKBlock
    int64_t n_groups = 0;
    bool five_bits = false;  // Q5_K
    AlignedBytes data{nullptr, nullptr};

    int64_t blocks_per_row() const { return k / kQKBlock; }
    size_t packed_block_bytes() const { return five_bits ? kQ5KPackedBytes : kQ4KPackedBytes; }
    size_t group_bytes() const { return static_cast<size_t>(blocks_per_row()) * packed_block_bytes(); }
    size_t bytes() const { return static_cast<size_t>(n_groups) * group_bytes(); }
    // Where super-block b of group g starts, and its scales, mins, d and dmin after the codes.
    size_t block_offset(int64_t g, int64_t b) const {
        return static_cast<size_t>(g) * group_bytes() + static_cast<size_t>(b) * packed_block_bytes();
    }
    size_t tail_offset() const { return kQKCodeBytes + (five_bits ? kQKHighBytes : 0); }
    QKBlock block(int64_t g, int64_t b) const {
        const uint8_t* p = data.get() + block_offset(g, b);
        const uint8_t* tail = p + tail_offset();
        return {p,
                five_bits ? p + kQKCodeBytes : nullptr,
                tail,
                tail + kQKScaleBytes,
                reinterpret_cast<const uint16_t*>(tail + 2 * kQKScaleBytes),
                reinterpret_cast<const uint16_t*>(tail + 2 * kQKScaleBytes + 2 * kRowGroup)};
    }
};

// Throws tern::Error unless w is Q4_K or Q5_K. With a pool, threads regroup disjoint row groups.
RepackedQK repack_qk(const TensorView& w, ThreadPool* pool = nullptr);

}  // namespace tern::simd
