#include "backend/vulkan/vk_pipelines.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <spdlog/spdlog.h>

#include "backend/vulkan/vk_shaders.h"

namespace tern::vk {
namespace {

std::string cache_dir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/tern";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/tern";
    return "";
}

std::string hex(const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

uint32_t pow2_at_most(uint32_t v) {
    uint32_t p = 1;
    while (p * 2 <= v) p *= 2;
    return p;
}

}  // namespace

Pipelines::Pipelines(Device& dev, bool int_dot, bool subgroups, uint32_t matvec_wg)
    : dev_(dev), int_dot_(int_dot), subgroups_(subgroups && dev.caps().subgroup_arith), matvec_wg_(matvec_wg) {
    std::array<VkDescriptorSetLayoutBinding, kBindings> b{};
    for (uint32_t i = 0; i < kBindings; ++i)
        b[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo dl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    dl.bindingCount = kBindings;
    dl.pBindings = b.data();
    check(vkCreateDescriptorSetLayout(dev.handle(), &dl, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
    const VkPushConstantRange pc{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushBytes};
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &set_layout_;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &pc;
    check(vkCreatePipelineLayout(dev.handle(), &pl, nullptr, &layout_), "vkCreatePipelineLayout");

    // The cache file is per device and driver; the driver also checks the header and ignores
    // data it cannot use.
    std::vector<char> data;
    if (const std::string dir = cache_dir(); !dir.empty()) {
        const auto& p = dev.caps().props;
        cache_path_ = dir + "/vulkan-" + hex(p.pipelineCacheUUID, VK_UUID_SIZE) + "-" +
                      std::to_string(p.vendorID) + "-" + std::to_string(p.deviceID) + ".bin";
        std::ifstream in(cache_path_, std::ios::binary);
        if (in) data.assign(std::istreambuf_iterator<char>(in), {});
    }
    VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    ci.initialDataSize = data.size();
    ci.pInitialData = data.empty() ? nullptr : data.data();
    if (vkCreatePipelineCache(dev.handle(), &ci, nullptr, &cache_) != VK_SUCCESS) {
        ci.initialDataSize = 0;
        ci.pInitialData = nullptr;
        check(vkCreatePipelineCache(dev.handle(), &ci, nullptr, &cache_), "vkCreatePipelineCache");
    }
}

Pipelines::~Pipelines() {
    save_cache();
    for (const Pipeline& p : pipelines_)
        if (p.handle) vkDestroyPipeline(dev_.handle(), p.handle, nullptr);
    for (VkShaderModule m : modules_)
        if (m) vkDestroyShaderModule(dev_.handle(), m, nullptr);
    vkDestroyPipelineCache(dev_.handle(), cache_, nullptr);
    vkDestroyPipelineLayout(dev_.handle(), layout_, nullptr);
    vkDestroyDescriptorSetLayout(dev_.handle(), set_layout_, nullptr);
}

void Pipelines::save_cache() {
    if (cache_path_.empty()) return;
    size_t n = 0;
    if (vkGetPipelineCacheData(dev_.handle(), cache_, &n, nullptr) != VK_SUCCESS || n == 0) return;
    std::vector<char> data(n);
    if (vkGetPipelineCacheData(dev_.handle(), cache_, &n, data.data()) != VK_SUCCESS) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cache_path_).parent_path(), ec);
    // Write then rename: another process may be reading or writing the same file.
    const std::string tmp = cache_path_ + ".tmp" + std::to_string(reinterpret_cast<uintptr_t>(this));
    {
        std::ofstream out(tmp, std::ios::binary);
        out.write(data.data(), static_cast<std::streamsize>(n));
        if (!out) return;
    }
    std::filesystem::rename(tmp, cache_path_, ec);
    if (ec) {
        spdlog::debug("vulkan: could not write the pipeline cache {}: {}", cache_path_, ec.message());
        std::filesystem::remove(tmp, ec);
    }
}

const Pipeline& Pipelines::get(Kernel k) {
    std::lock_guard lock(mutex_);
    Pipeline& p = pipelines_[static_cast<size_t>(k)];
    if (p.handle) return p;

    const uint32_t sg = dev_.caps().subgroup_size;
    const bool cpu = dev_.info().type == DeviceType::Cpu;
    const char* name = nullptr;
    uint32_t wg = 64, rows = 1;
    switch (k) {
        case Kernel::Quantize: name = "quantize_i8"; break;
        case Kernel::MatvecTernary:
        case Kernel::MatvecDenseF16:
        case Kernel::MatvecDenseF32:
        case Kernel::MatvecQ8_0:
        case Kernel::MatvecQ4_K:
        case Kernel::MatvecQ5_K:
        case Kernel::MatvecQ6_K:
            name = k == Kernel::MatvecTernary    ? (int_dot_ ? "matvec_ternary_dot" : "matvec_ternary")
                   : k == Kernel::MatvecDenseF16 ? "matvec_dense_f16"
                   : k == Kernel::MatvecDenseF32 ? "matvec_dense_f32"
                   : k == Kernel::MatvecQ8_0     ? "matvec_q8_0"
                   : k == Kernel::MatvecQ4_K     ? (int_dot_ ? "matvec_q4_k_dot" : "matvec_q4_k")
                   : k == Kernel::MatvecQ5_K     ? (int_dot_ ? "matvec_q5_k_dot" : "matvec_q5_k")
                                                 : (int_dot_ ? "matvec_q6_k_dot" : "matvec_q6_k");
            // One subgroup per workgroup (between 8 and 64 lanes); a CPU device (lavapipe) does
            // best with narrow workgroups and more rows each.
            wg = std::clamp<uint32_t>(pow2_at_most(matvec_wg_ ? matvec_wg_ : sg), 8, 64);
            rows = cpu ? 4 : 2;
            break;
        case Kernel::MatmulTernary: name = int_dot_ ? "matmul_ternary_dot" : "matmul_ternary"; break;
        case Kernel::MatmulDenseF16: name = "matmul_dense_f16"; break;
        case Kernel::MatmulDenseF32: name = "matmul_dense_f32"; break;
        case Kernel::GetRowsF16: name = "get_rows_f16"; break;
        case Kernel::GetRowsF32: name = "get_rows_f32"; break;
        case Kernel::GetRowsQ8_0: name = "get_rows_q8_0"; break;
        case Kernel::GetRowsQ4_K: name = "get_rows_q4_k"; break;
        case Kernel::GetRowsQ5_K: name = "get_rows_q5_k"; break;
        case Kernel::GetRowsQ6_K: name = "get_rows_q6_k"; break;
        case Kernel::QuantizeQ8_0: name = "quantize_q8_0"; break;
        case Kernel::RmsNorm: name = dev_.caps().fp64 ? "rms_norm_f64" : "rms_norm"; break;
        case Kernel::Rope: name = "rope"; break;
        // With FP64: exp correctly rounded like the CPU's expf (see exp_rn in common.glsl).
        case Kernel::Attention: name = dev_.caps().fp64 ? "attention_f64" : "attention"; break;
        case Kernel::Glu: name = dev_.caps().fp64 ? "glu_f64" : "glu"; break;
        case Kernel::Add: name = "add"; break;
        case Kernel::Count: break;
    }
    // The reductions of these kernels have a subgroup-arithmetic variant.
    std::string variant = name;
    const bool reduces = k == Kernel::Quantize || k == Kernel::MatvecTernary || k == Kernel::MatvecDenseF16 ||
                         k == Kernel::MatvecDenseF32 || k == Kernel::MatvecQ8_0 || k == Kernel::MatvecQ4_K ||
                         k == Kernel::MatvecQ5_K || k == Kernel::MatvecQ6_K || k == Kernel::RmsNorm ||
                         k == Kernel::Attention;
    if (reduces && subgroups_) variant += "_sg";
    name = variant.c_str();
    const auto code = shader_spirv(name);
    if (code.empty()) throw VkError(std::string("shader '") + name + "' is not embedded");
    VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    mi.codeSize = code.size_bytes();
    mi.pCode = code.data();
    VkShaderModule& module = modules_[static_cast<size_t>(k)];
    check(vkCreateShaderModule(dev_.handle(), &mi, nullptr, &module), "vkCreateShaderModule");

    const uint32_t spec[2] = {wg, rows};
    const VkSpecializationMapEntry entries[2] = {{0, 0, 4}, {1, 4, 4}};
    VkSpecializationInfo si{};
    si.mapEntryCount = 2;  // entries for ids a shader lacks are ignored
    si.pMapEntries = entries;
    si.dataSize = si.mapEntryCount * 4;
    si.pData = spec;
    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    ci.stage.pSpecializationInfo = &si;
    ci.layout = layout_;
    check(vkCreateComputePipelines(dev_.handle(), cache_, 1, &ci, nullptr, &p.handle), "vkCreateComputePipelines");
    p.wg = wg;
    p.rows = rows;
    return p;
}

}  // namespace tern::vk
