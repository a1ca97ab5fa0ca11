#pragma once
// Buffers and their memory: one allocation per buffer (models have a few hundred tensors, well
// under any allocation-count limit), and uploads that go through a staging buffer only when the
// device memory cannot be mapped.
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "backend/vulkan/vk_command.h"
#include "backend/vulkan/vk_context.h"

namespace tern::vk {

enum class MemoryKind {
    Device,    // device-local; mapped too when the device offers such memory (UMA, ReBAR, lavapipe)
    Host,      // host-visible and coherent: staging, token ids, tables the host writes
    Readback,  // host-visible, cached if possible: results the host reads
};

class Buffer {
public:
    Buffer() = default;
    Buffer(Device& dev, uint64_t bytes, MemoryKind kind);
    ~Buffer();
    Buffer(Buffer&& o) noexcept { *this = std::move(o); }
    Buffer& operator=(Buffer&& o) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    VkBuffer handle() const { return buffer_; }
    uint64_t size() const { return size_; }
    void* mapped() const { return mapped_; }  // nullptr unless host-visible

private:
    Device* dev_ = nullptr;
    VkBuffer buffer_ = VK_NULL_HANDLE;
    VkDeviceMemory memory_ = VK_NULL_HANDLE;
    uint64_t size_ = 0;
    uint64_t allocated_ = 0;  // bytes of device memory behind it
    void* mapped_ = nullptr;
};

// Writes host bytes into (possibly unmappable) device buffers: memcpy when mapped, else copies
// through a staging buffer with a one-off command buffer. Thread-safe.
class Uploader {
public:
    explicit Uploader(Device& dev) : dev_(dev), stream_(dev) {}
    void write(Buffer& dst, uint64_t offset, const void* src, uint64_t bytes);

private:
    Device& dev_;
    std::mutex mutex_;
    Buffer staging_;
    CommandStream stream_;
};

}  // namespace tern::vk
