#pragma once
// Load-time repack of a ternary matrix (I2_S, TQ2_0 or TQ1_0) into the one layout every fast kernel
// reads, so the three file formats share the kernels.
//
// Layout. Rows are interleaved in groups of kRowGroup = 16 (the last group padded with zero
// weights). Each group's k weights are cut into blocks of kBlockK = 16; a block is 64 bytes, a
// 32-bit word per row (row r of the group at byte 4r). Byte b of that word holds in bits 2n..2n+1
// the code c = w + 1 of weight 4n + b of the block. Shifting the word right by 2n and masking each
// byte with 3 leaves the codes of 4 consecutive weights, one per byte, in the row's 32-bit lane:
// one broadcast int32 of 4 activations then feeds a u8 x s8 dot (vpdpbusd, vpmaddubsw) for all 16
// rows at once, each 32-bit lane accumulating one row, and no horizontal sums are needed.
// A group's blocks are contiguous, so a pass over a group streams k*4 bytes.
//
// The 5-bit field layout (TernaryLayout::fields5, 1.67 bits per weight) is the same arrangement with
// 12-weight blocks of 40 bytes: 64 fields of 5 bits, little-endian from bit 5j for j = 4 * lane + b,
// each holding c0 + 3 c1 + 9 c2 for the codes c_n of weights 4n + b of the block (27 values fit 32).
// A byte permute, a multishift and three 32-entry table permutes (AVX-512 VBMI) turn a block back
// into three planes of the 2-bit layout. It reads 17% fewer bytes, which decode is bound by.
// The last block of a row whose k is not a multiple of 12 holds code 1 (weight 0) past k.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tensor/type_traits.h"

namespace tern {
class ThreadPool;
}

namespace tern::simd {

inline constexpr int kRowGroup = 16;    // rows interleaved in one group (one 512-bit register of int32 lanes)
inline constexpr int kBlockK = 16;      // weights per row in one block
inline constexpr int kBlockBytes = 64;  // kRowGroup * kBlockK * 2 bits
inline constexpr int kFieldBlockK = 12;      // weights per row in one fields5 block
inline constexpr int kFieldBlockBytes = 40;  // kRowGroup * 4 fields * 5 bits

enum class TernaryLayout { planes2, fields5 };

// Repacked weights live in 64-byte aligned memory, for aligned whole-register loads.
using AlignedBytes = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>;
// n bytes (a multiple of 64; 0 allowed), 64-byte aligned. Throws tern::Error naming `who` when
// memory runs out.
AlignedBytes alloc_aligned_64(size_t n, const char* who);

struct RepackedTernary {
    TypeId source_type = TypeId::I2_S;
    TernaryLayout layout = TernaryLayout::planes2;
    int64_t rows = 0;      // real output rows
    int64_t k = 0;         // weights per row (a multiple of kBlockK)
    int64_t n_groups = 0;  // ceil(rows / kRowGroup)
    // Integer partial sums cover seg_len weights: k when every row has a single scale (I2_S, and TQ
    // tensors whose block scales are equal within each row), otherwise the 256-weight scale block.
    int64_t seg_len = 0;
    int64_t n_seg = 0;  // k / seg_len
    // n_groups * group_bytes() bytes, 64-byte aligned; fields5 adds 64 bytes, so a whole-register
    // load of the last block stays inside.
    AlignedBytes codes{nullptr, nullptr};
    std::vector<float> scales;  // [n_groups * kRowGroup][n_seg], the scale of each segment of each row

    int64_t blocks_per_row() const {
        return layout == TernaryLayout::planes2 ? k / kBlockK : (k + kFieldBlockK - 1) / kFieldBlockK;
    }
    size_t block_bytes() const { return layout == TernaryLayout::planes2 ? kBlockBytes : kFieldBlockBytes; }
    size_t group_bytes() const { return static_cast<size_t>(blocks_per_row()) * block_bytes(); }
    const uint8_t* group_codes(int64_t g) const { return codes.get() + static_cast<size_t>(g) * group_bytes(); }
    size_t code_bytes() const { return static_cast<size_t>(n_groups) * group_bytes(); }
};

// Throws tern::Error for a non-ternary type, k not a multiple of kBlockK (TQ types are multiples of
// 256 anyway; I2_S with k % 16 != 0 is not supported), or a view that does not match its shape.
// With a pool, threads repack disjoint row ranges. fields5 is given only to a matrix with one
// segment (n_seg == 1); others get planes2.
RepackedTernary repack_ternary(const TensorView& w, ThreadPool* pool = nullptr,
                               TernaryLayout layout = TernaryLayout::planes2);

// Row `row` decoded back to values in {-1, 0, +1} (k of them): for tests and debugging.
void unpack_row(const RepackedTernary& w, int64_t row, int8_t* values);

}  // namespace tern::simd
