#pragma once
// How the Vulkan backend keeps a weight (what Weight::storage points to).
#include <vector>

#include "backend/vulkan/vk_buffer.h"

namespace tern::vk {

struct VkWeight {
    bool ternary = false;
    int rows = 0, cols = 0;
    float extra_scale = 1.0f;

    // Ternary: codes (rows x n_chunks x 4 uints, 64 weights per chunk; see matvec_ternary.comp)
    // followed by the scales in one buffer.
    Buffer buffer;
    uint32_t n_chunks = 0;
    uint32_t scales_per_row = 0;  // 0: one scale for the whole tensor
    uint32_t chunks_per_block = 1;
    uint32_t scale_offset = 0;    // in uints

    // Dense (F16, F32, Q8_0 or a k-quant) and vectors: row chunks, each small enough for one
    // binding. Q8_0 chunks hold the int8 values (8 packed ints per 32-value block) and then the
    // f32 block scales from word q8_scale_off(rows) on (see matvec_q8_0.comp); k-quant chunks hold
    // the file's blocks as they are (see kquant.glsl).
    bool f16 = false;
    bool q8 = false;
    enum class KQuant { None, Q4_K, Q5_K, Q6_K } kquant = KQuant::None;
    struct Chunk {
        Buffer buffer;
        int row0 = 0, rows = 0;
    };
    std::vector<Chunk> chunks;
    uint32_t q8_scale_off(int chunk_rows) const { return static_cast<uint32_t>(chunk_rows) * (cols / 32) * 8; }
};

}  // namespace tern::vk
