#pragma once
// Compute pipelines: one descriptor-set layout (8 storage buffers) and one push-constant range
// shared by every shader, pipelines created on first use, and an on-disk pipeline cache in
// $XDG_CACHE_HOME/tern (or ~/.cache/tern) so later runs skip the driver's shader compilation.
#include <array>
#include <mutex>
#include <string>

#include "backend/vulkan/vk_context.h"

namespace tern::vk {

constexpr uint32_t kBindings = 8;
constexpr uint32_t kPushBytes = 128;  // the guaranteed minimum of maxPushConstantsSize

enum class Kernel {
    Quantize,
    MatvecTernary,
    MatmulTernary,
    MatvecDenseF16,
    MatvecDenseF32,
    MatmulDenseF16,
    MatmulDenseF32,
    GetRowsF16,
    GetRowsF32,
    GetRowsQ8_0,
    GetRowsQ4_K,
    GetRowsQ5_K,
    GetRowsQ6_K,
    QuantizeQ8_0,
    MatvecQ8_0,
    MatvecQ4_K,
    MatvecQ5_K,
    MatvecQ6_K,
    RmsNorm,
    Rope,
    Attention,
    Glu,
    Add,
    Count
};

struct Pipeline {
    VkPipeline handle = VK_NULL_HANDLE;
    uint32_t wg = 0;    // workgroup size
    uint32_t rows = 1;  // rows per workgroup (mat-vec kernels)
};

class Pipelines {
public:
    // int_dot: use the OpSDot variants of the ternary and k-quant mat-vecs (the device feature
    // must be on).
    // subgroups: reductions with subgroup arithmetic where the device has it (else shared memory).
    // matvec_wg: mat-vec workgroup size instead of the subgroup's (tests).
    Pipelines(Device& dev, bool int_dot, bool subgroups = true, uint32_t matvec_wg = 0);
    ~Pipelines();

    const Pipeline& get(Kernel k);
    VkPipelineLayout layout() const { return layout_; }
    VkDescriptorSetLayout set_layout() const { return set_layout_; }
    bool int_dot() const { return int_dot_; }
    bool subgroups() const { return subgroups_; }

private:
    void save_cache();

    Device& dev_;
    bool int_dot_;
    bool subgroups_;
    uint32_t matvec_wg_;
    std::mutex mutex_;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkPipelineCache cache_ = VK_NULL_HANDLE;
    std::string cache_path_;
    std::array<Pipeline, static_cast<size_t>(Kernel::Count)> pipelines_{};
    std::array<VkShaderModule, static_cast<size_t>(Kernel::Count)> modules_{};
};

}  // namespace tern::vk
