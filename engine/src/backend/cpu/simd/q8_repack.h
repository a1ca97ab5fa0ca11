#pragma once
// Load-time regrouping of a Q8_0 matrix (the opt-in 8-bit LM head) for vpdpbusd, the way
// ternary_repack.h does it for ternary weights: per-row Q8_0 blocks need a horizontal sum and a
// scalar scale per 32 weights, which made the head compute-bound; here 16 rows share each
// instruction and one activation broadcast.
//
// Layout. Rows go in groups of kRowGroup = 16 (the last group padded with zero weights and zero
// scales). A group holds its k/32 blocks' codes, then their scales, padded to 64 bytes. A block's
// codes are 8 registers of 64 bytes, register j holding in row r's 32-bit lane the block's
// weights 4j .. 4j + 3 biased to unsigned (w + 128); its scales are the 16 rows' F16 block scales.
// That is 34 bytes per 32 weights per row, the size of Q8_0 itself. The bias makes the weights
// vpdpbusd's unsigned operand, so the signed activations need no sign trick; it adds 128 * (sum
// of the block's activations), one number per block and token, which the kernel subtracts.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backend/cpu/simd/ternary_repack.h"
#include "tensor/type_traits.h"

namespace tern {
class ThreadPool;
}

namespace tern::simd {

inline constexpr int kQ8Block = 32;                        // weights per block
inline constexpr int kQ8CodeBytes = kRowGroup * kQ8Block;  // 512 per block
inline constexpr int kQ8ScaleBytes = kRowGroup * 2;        // 32 per block

struct RepackedQ8 {
    int64_t rows = 0;
    int64_t k = 0;  // a multiple of kQ8Block
    int64_t n_groups = 0;
    AlignedBytes data{nullptr, nullptr};

    int64_t blocks_per_row() const { return k / kQ8Block; }
    size_t group_bytes() const {
        return (static_cast<size_t>(blocks_per_row()) * (kQ8CodeBytes + kQ8ScaleBytes) + 63) / 64 * 64;
    }
    const uint8_t* group_codes(int64_t g) const { return data.get() + static_cast<size_t>(g) * group_bytes(); }
    const uint8_t* group_scales(int64_t g) const {
        return group_codes(g) + static_cast<size_t>(blocks_per_row()) * kQ8CodeBytes;
    }
    size_t bytes() const { return static_cast<size_t>(n_groups) * group_bytes(); }
};

// Throws tern::Error unless w is Q8_0. With a pool, threads regroup disjoint row groups.
RepackedQ8 repack_q8_0(const TensorView& w, ThreadPool* pool = nullptr);

}  // namespace tern::simd
