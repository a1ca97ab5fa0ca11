#pragma once
// Load-time regrouping of a Q6_K matrix (the opt-in 6-bit LM head) for the SIMD dot products,
// as q8_repack.h does for Q8_0: 16 rows share each instruction and one activation broadcast, so
// the kernel needs no per-row horizontal sums, and the 6-bit codes unpack with a few whole-register
// shifts and masks instead of Q6_K's per-row bit gathering.
//
// Layout. Rows go in groups of kRowGroup = 16 (the last group padded with zero codes and scales).
// A group holds its k/256 super-blocks' codes, then their int8 sub-block scales, then their F16
// scales d, padded to 64 bytes. Per 16-weight sub-block j the codes (Q6_K's unsigned 6-bit values,
// weight = d * scale_j * (code - 32)) take three 64-byte registers: in row r's 32-bit lane,
// register R_m would hold weights 16j + 4m .. 16j + 4m + 3, and they are stored as
//   N0 = low nibbles of R_0 | low nibbles of R_1 << 4,   N1 = the same for R_2 and R_3,
//   H  = top two bits of R_0 | R_1 << 2 | R_2 << 4 | R_3 << 6.
// That is 24 bytes per 32 weights per row plus 1 byte of sub-block scale per 16 and 2 of d per
// 256: 210 bytes per 256 weights, the size of Q6_K itself. The unsigned codes are the dot
// product's unsigned operand; the kernel subtracts 32 * (sum of the sub-block's activations).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backend/cpu/simd/ternary_repack.h"
#include "tensor/type_traits.h"

namespace tern {
class ThreadPool;
}

namespace tern::simd {

inline constexpr int kQ6SubBlock = 16;                              // weights per int8 scale
inline constexpr int kQ6SubBlocks = kQ6KBlock / kQ6SubBlock;        // 16 per super-block
inline constexpr int kQ6SubBlockBytes = 3 * 64;                     // N0, N1, H
inline constexpr int kQ6CodeBytes = kQ6SubBlocks * kQ6SubBlockBytes;  // 3072 per super-block
inline constexpr int kQ6ScaleBytes = kQ6SubBlocks * kRowGroup;      // 256: [sub-block][row] int8
inline constexpr int kQ6DBytes = kRowGroup * 2;                     // 32: [row] F16

struct RepackedQ6K {
    int64_t rows = 0;
    int64_t k = 0;  // a multiple of kQ6KBlock
    int64_t n_groups = 0;
    AlignedBytes data{nullptr, nullptr};

    int64_t blocks_per_row() const { return k / kQ6KBlock; }
    size_t group_bytes() const {
        return (static_cast<size_t>(blocks_per_row()) * (kQ6CodeBytes + kQ6ScaleBytes + kQ6DBytes) + 63) / 64 * 64;
    }
    const uint8_t* group_codes(int64_t g) const { return data.get() + static_cast<size_t>(g) * group_bytes(); }
    const int8_t* group_scales(int64_t g) const {
        return reinterpret_cast<const int8_t*>(group_codes(g) + static_cast<size_t>(blocks_per_row()) * kQ6CodeBytes);
    }
    const uint16_t* group_d(int64_t g) const {
        return reinterpret_cast<const uint16_t*>(group_codes(g) +
                                                 static_cast<size_t>(blocks_per_row()) * (kQ6CodeBytes + kQ6ScaleBytes));
    }
    size_t bytes() const { return static_cast<size_t>(n_groups) * group_bytes(); }
};

// Throws tern::Error unless w is Q6_K. With a pool, threads regroup disjoint row groups.
RepackedQ6K repack_q6_k(const TensorView& w, ThreadPool* pool = nullptr);

}  // namespace tern::simd
