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

    // Dense (F16 or F32) and vectors: row chunks, each small enough for one binding.
    bool f16 = false;
    struct Chunk {
        Buffer buffer;
        int row0 = 0, rows = 0;
    };
    std::vector<Chunk> chunks;
};

}  // namespace tern::vk
