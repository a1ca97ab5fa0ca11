#include "backend/vulkan/vk_backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>

#include <spdlog/spdlog.h>

#include "backend/vulkan/vk_context.h"
#include "backend/vulkan/vk_session.h"
#include "backend/vulkan/vk_weights.h"
#include "tensor/fp16.h"

namespace tern {
namespace {

using vk::Buffer;
using vk::MemoryKind;
using vk::VkWeight;
using KQuant = vk::VkWeight::KQuant;

class VulkanBackend final : public Backend {
public:
    VulkanBackend(std::shared_ptr<vk::Instance> instance, int index, bool int_dot, bool subgroups,
                  uint32_t matvec_wg, uint64_t max_chunk_bytes)
        : max_chunk_bytes_(max_chunk_bytes) {
        ctx_.instance = std::move(instance);
        ctx_.device = std::make_unique<vk::Device>(ctx_.instance, index, int_dot);
        ctx_.pipelines = std::make_unique<vk::Pipelines>(*ctx_.device, int_dot, subgroups, matvec_wg);
        ctx_.uploader = std::make_unique<vk::Uploader>(*ctx_.device);
        const DeviceInfo& info = ctx_.device->info();
        spdlog::info("vulkan: device {} '{}' ({}, {}), int8 dot product {}, subgroup reductions {} (size {})",
                     index, info.name, device_type_name(info.type), info.driver, int_dot ? "on" : "off",
                     ctx_.pipelines->subgroups() ? "on" : "off", info.subgroup_size);
    }

    ~VulkanBackend() override {
        weights_.clear();  // before the device goes
    }

    std::string name() const override { return "vulkan (" + ctx_.device->info().name + ")"; }

    Weight upload_matrix(const TensorView& w, float extra_scale) override {
        const bool ternary = type_traits(static_cast<uint32_t>(w.type))->ternary;
        VkWeight& vw = weights_.emplace_back();
        vw.ternary = ternary;
        vw.rows = static_cast<int>(w.ne[1]);
        vw.cols = static_cast<int>(w.ne[0]);
        vw.extra_scale = extra_scale;
        if (ternary) upload_ternary(w, vw);
        else upload_dense(w, vw, true);
        return {&vw, vw.rows, vw.cols, ternary, w.nbytes};
    }

    // upload_dense keeps F16, F32, Q8_0 and the k-quants; anything else would become F32 on the
    // device.
    bool runs_natively(TypeId type) const override {
        return type == TypeId::F16 || type == TypeId::F32 || type == TypeId::Q8_0 || kquant_of(type) != KQuant::None ||
               type_traits(static_cast<uint32_t>(type))->ternary;
    }

    Weight upload_vector(const TensorView& v) override {
        VkWeight& vw = weights_.emplace_back();
        vw.rows = 1;
        vw.cols = static_cast<int>(v.ne[0]);
        upload_dense(v, vw, false);
        return {&vw, 1, vw.cols, false};
    }

    uint64_t weight_bytes() const override { return bytes_; }

    // Every live vkAllocateMemory of this device: weights, sessions' KV caches and scratch,
    // staging and readback buffers.
    uint64_t device_bytes() const override { return ctx_.device->allocated.load(); }

    std::unique_ptr<BackendSession> new_session(int n_layer, int n_ctx, int n_head_kv, int head_dim) override {
        return vk::make_session(ctx_, n_layer, n_ctx, n_head_kv * head_dim);
    }

private:
    // Repacks any ternary type (through ternary_row) into 2-bit codes, 64 weights per 16 bytes,
    // plus its scales: one when every block of the tensor shares it (then the integer dot product
    // is scaled once, exactly like the CPU reference), else one per 256-weight block.
    void upload_ternary(const TensorView& w, VkWeight& vw) {
        const uint64_t k = w.ne[0], rows = w.ne[1];
        const uint32_t n_chunks = static_cast<uint32_t>((k + 63) / 64);
        const uint64_t nsp = ternary_scales_per_row(w);
        std::vector<int8_t> values(k);
        std::vector<float> scales(rows * nsp);
        std::vector<uint32_t> words(rows * n_chunks * 4);
        for (uint64_t r = 0; r < rows; ++r) {
            ternary_row(w, r, values.data(), scales.data() + r * nsp);
            auto* bytes = reinterpret_cast<uint8_t*>(words.data() + r * n_chunks * 4);
            for (uint64_t c = 0; c < n_chunks; ++c) {
                for (uint64_t j = 0; j < 16; ++j) {
                    uint8_t b = 0;
                    for (uint64_t s = 0; s < 4; ++s) {
                        const uint64_t e = c * 64 + 16 * s + j;
                        const int code = e < k ? values[e] + 1 : 1;  // padding is weight 0
                        b |= static_cast<uint8_t>(code << (2 * s));
                    }
                    bytes[c * 16 + j] = b;  // little-endian: byte j of the chunk's 16
                }
            }
        }
        const bool uniform = std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales[0]; });
        if (!uniform && (ternary_scale_block(w) % 64 != 0))
            throw vk::VkError("ternary scale blocks of " + std::to_string(ternary_scale_block(w)) +
                              " weights are not supported by the Vulkan backend");
        vw.n_chunks = n_chunks;
        vw.scales_per_row = uniform ? 0 : static_cast<uint32_t>(nsp);
        vw.chunks_per_block = uniform ? 1 : static_cast<uint32_t>(ternary_scale_block(w) / 64);
        vw.scale_offset = static_cast<uint32_t>(words.size());
        const size_t n_scales = uniform ? 1 : scales.size();
        const uint64_t bytes = words.size() * 4 + n_scales * 4;
        if (bytes > ctx_.device->limits().maxStorageBufferRange)
            throw vk::VkError("a ternary matrix of " + std::to_string(bytes >> 20) +
                              " MiB exceeds the device's maxStorageBufferRange");
        vw.buffer = Buffer(*ctx_.device, bytes, MemoryKind::Device);
        ctx_.uploader->write(vw.buffer, 0, words.data(), words.size() * 4);
        ctx_.uploader->write(vw.buffer, words.size() * 4, scales.data(), n_scales * 4);
        bytes_ += bytes;
    }

    static KQuant kquant_of(TypeId type) {
        switch (type) {
            case TypeId::Q4_K: return KQuant::Q4_K;
            case TypeId::Q5_K: return KQuant::Q5_K;
            case TypeId::Q6_K: return KQuant::Q6_K;
            default: return KQuant::None;
        }
    }

    // The most bytes one row chunk may hold: what one binding covers (the 2B model's F16 head is
    // 657 MB; lavapipe binds 128 MiB), or less for the tests.
    uint64_t chunk_limit() const {
        uint64_t limit = std::min<uint64_t>(ctx_.device->limits().maxStorageBufferRange, 1ull << 30);
        if (max_chunk_bytes_) limit = std::min(limit, max_chunk_bytes_);
        return limit;
    }

    // F16 and F32 stay as they are, Q8_0 is repacked and the k-quants are kept as stored (their
    // activations are quantized to Q8_0 blocks, as the CPU does), other float types are
    // dequantized to F32, as are vectors (norm gains). Split into row chunks that each fit one
    // binding.
    void upload_dense(const TensorView& w, VkWeight& vw, bool matrix) {
        const uint64_t k = w.ne[0], rows = w.n_rows();
        vw.f16 = w.type == TypeId::F16;
        vw.q8 = w.type == TypeId::Q8_0 && matrix;
        if (matrix) vw.kquant = kquant_of(w.type);
        if (vw.q8) return upload_q8_0(w, vw);
        if (vw.kquant != KQuant::None) return upload_kquant(w, vw);
        const uint64_t row_bytes = k * (vw.f16 ? 2 : 4);
        uint64_t chunk_rows = std::max<uint64_t>(1, chunk_limit() / row_bytes);
        if (vw.f16 && k % 2 && chunk_rows > 1) chunk_rows &= ~uint64_t{1};  // chunks start on a uint
        std::vector<float> row(k);
        for (uint64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
            const uint64_t n = std::min(chunk_rows, rows - r0);
            VkWeight::Chunk& ch = vw.chunks.emplace_back();
            ch.row0 = static_cast<int>(r0);
            ch.rows = static_cast<int>(n);
            ch.buffer = Buffer(*ctx_.device, n * row_bytes, MemoryKind::Device);
            if (w.type == TypeId::F16 || w.type == TypeId::F32) {
                ctx_.uploader->write(ch.buffer, 0, w.data + r0 * row_bytes, n * row_bytes);
            } else {
                std::vector<float> f(n * k);
                for (uint64_t r = 0; r < n; ++r) dequantize_row(w, r0 + r, f.data() + r * k);
                ctx_.uploader->write(ch.buffer, 0, f.data(), f.size() * 4);
            }
            bytes_ += n * row_bytes;
        }
    }

    void upload_q8_0(const TensorView& w, VkWeight& vw) {
        const uint64_t k = w.ne[0], rows = w.n_rows(), nb = k / 32;
        const uint64_t row_bytes = nb * 36;  // 32 int8 values and an f32 scale per block
        const uint64_t chunk_rows = std::max<uint64_t>(1, chunk_limit() / row_bytes);
        for (uint64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
            const uint64_t n = std::min(chunk_rows, rows - r0);
            std::vector<uint8_t> bytes(n * row_bytes);
            float* scales = reinterpret_cast<float*>(bytes.data() + n * nb * 32);
            for (uint64_t r = 0; r < n; ++r) {
                const uint8_t* src = w.data + (r0 + r) * nb * 34;
                for (uint64_t b = 0; b < nb; ++b, src += 34) {
                    scales[r * nb + b] = f16_to_f32(static_cast<uint16_t>(src[0] | src[1] << 8));
                    std::memcpy(bytes.data() + (r * nb + b) * 32, src + 2, 32);
                }
            }
            VkWeight::Chunk& ch = vw.chunks.emplace_back();
            ch.row0 = static_cast<int>(r0);
            ch.rows = static_cast<int>(n);
            ch.buffer = Buffer(*ctx_.device, bytes.size(), MemoryKind::Device);
            ctx_.uploader->write(ch.buffer, 0, bytes.data(), bytes.size());
            bytes_ += bytes.size();
        }
    }

    // Q4_K / Q5_K / Q6_K: the file's bytes as they are, so the device holds what the file does
    // (a chunk padded to whole words: Q6_K blocks are 210 bytes).
    void upload_kquant(const TensorView& w, VkWeight& vw) {
        const uint64_t rows = w.n_rows(), row_bytes = w.nbytes / rows;
        const uint64_t chunk_rows = std::max<uint64_t>(1, chunk_limit() / row_bytes);
        for (uint64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
            const uint64_t n = std::min(chunk_rows, rows - r0), bytes = n * row_bytes, padded = (bytes + 3) / 4 * 4;
            VkWeight::Chunk& ch = vw.chunks.emplace_back();
            ch.row0 = static_cast<int>(r0);
            ch.rows = static_cast<int>(n);
            ch.buffer = Buffer(*ctx_.device, padded, MemoryKind::Device);
            const uint64_t whole = bytes / 4 * 4;
            ctx_.uploader->write(ch.buffer, 0, w.data + r0 * row_bytes, whole);
            if (padded > whole) {
                uint8_t tail[4] = {};
                std::memcpy(tail, w.data + r0 * row_bytes + whole, bytes - whole);
                ctx_.uploader->write(ch.buffer, whole, tail, 4);
            }
            bytes_ += padded;
        }
    }

    uint64_t max_chunk_bytes_ = 0;
    vk::Context ctx_;
    std::deque<VkWeight> weights_;  // deque: Weight handles stay valid as more are added
    uint64_t bytes_ = 0;
};

}  // namespace

int pick_vulkan_device(const std::vector<DeviceInfo>& devices, bool allow_cpu, std::string* why) {
    for (DeviceType want : {DeviceType::Discrete, DeviceType::Integrated})
        for (const DeviceInfo& d : devices)
            if (d.type == want && d.usable) return d.index;
    if (allow_cpu)
        for (const DeviceInfo& d : devices)
            if (d.usable) return d.index;
    if (why) {
        if (devices.empty()) {
            *why = vk::instance_status();
            if (why->empty()) *why = "no Vulkan device found";
        } else {
            *why = "no usable Vulkan GPU:";
            for (const DeviceInfo& d : devices)
                *why += " [" + std::to_string(d.index) + "] " + d.name + " (" + device_type_name(d.type) +
                        (d.usable ? "" : ", " + d.reason) + ")";
            if (!allow_cpu) *why += "; CPU-type devices are used only when asked for explicitly";
        }
    }
    return -1;
}

std::unique_ptr<Backend> make_vulkan_backend(const VulkanOptions& o) {
    auto instance = vk::Instance::get();
    int index = o.device;
    if (index < 0) {
        std::string why;
        index = pick_vulkan_device(vk::list_devices(), o.allow_cpu, &why);
        if (index < 0) throw vk::VkError(why);
    }
    const auto pds = instance->physical_devices();
    if (index >= static_cast<int>(pds.size()))
        throw vk::VkError("Vulkan device " + std::to_string(index) + " does not exist (" +
                          std::to_string(pds.size()) + " found)");
    vk::DeviceCaps caps;
    const DeviceInfo info = vk::probe_device(pds[index], index, &caps);
    bool int_dot = caps.int_dot_accelerated;
    if (o.int_dot == VulkanOptions::IntDot::On) int_dot = caps.int_dot_supported;
    if (o.int_dot == VulkanOptions::IntDot::Off) int_dot = false;
    if (const char* env = std::getenv("TERN_VK_INT_DOT"); env && *env && o.int_dot == VulkanOptions::IntDot::Auto)
        int_dot = std::strcmp(env, "0") != 0 && caps.int_dot_supported;
    uint64_t heap = 0;
    for (const MemoryHeapInfo& h : info.heaps)
        if (h.device_local) heap = std::max(heap, h.bytes);
    if (o.need_bytes > heap)
        throw vk::VkError("not enough device memory: the model needs about " + std::to_string(o.need_bytes >> 20) +
                          " MiB, " + info.name + " has " + std::to_string(heap >> 20) + " MiB");
    bool subgroups = o.subgroups;
    if (const char* env = std::getenv("TERN_VK_SUBGROUPS"); env && *env) subgroups = subgroups && std::strcmp(env, "0") != 0;
    return std::make_unique<VulkanBackend>(std::move(instance), index, int_dot, subgroups, o.matvec_workgroup,
                                           o.max_chunk_bytes);
}

}  // namespace tern
