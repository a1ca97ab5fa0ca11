#include "backend/vulkan/vk_buffer.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace tern::vk {
namespace {

// The first memory type allowed by `bits` that has all `want` flags, preferring one that also has
// `nice`. -1 if none.
int find_memory(const VkPhysicalDeviceMemoryProperties& mp, uint32_t bits, VkMemoryPropertyFlags want,
                VkMemoryPropertyFlags nice) {
    int fallback = -1;
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i) {
        if (!(bits & (1u << i))) continue;
        const VkMemoryPropertyFlags f = mp.memoryTypes[i].propertyFlags;
        if ((f & want) != want) continue;
        if ((f & nice) == nice) return static_cast<int>(i);
        if (fallback < 0) fallback = static_cast<int>(i);
    }
    return fallback;
}

}  // namespace

// Sizes round up to whole uints: shaders read f16 pairs and packed int8 as uints.
Buffer::Buffer(Device& dev, uint64_t bytes, MemoryKind kind) : dev_(&dev), size_(std::max<uint64_t>((bytes + 3) & ~uint64_t{3}, 16)) {
    VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = size_;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(dev.handle(), &bi, nullptr, &buffer_), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev.handle(), buffer_, &req);

    const auto& mp = dev.caps().memory;
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int type = -1;
    switch (kind) {
        case MemoryKind::Device:
            type = find_memory(mp, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, host);
            if (type < 0) type = find_memory(mp, req.memoryTypeBits, 0, 0);
            break;
        case MemoryKind::Host: type = find_memory(mp, req.memoryTypeBits, host, 0); break;
        case MemoryKind::Readback:
            type = find_memory(mp, req.memoryTypeBits, host, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
            break;
    }
    if (type < 0) {
        vkDestroyBuffer(dev.handle(), buffer_, nullptr);
        buffer_ = VK_NULL_HANDLE;
        throw VkError("no suitable Vulkan memory type");
    }
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = static_cast<uint32_t>(type);
    const VkResult r = vkAllocateMemory(dev.handle(), &ai, nullptr, &memory_);
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(dev.handle(), buffer_, nullptr);
        buffer_ = VK_NULL_HANDLE;
        throw VkError("not enough Vulkan device memory for " + std::to_string(req.size >> 20) + " MiB more (" +
                      std::to_string(dev.allocated.load() >> 20) + " MiB in use; VkResult " + std::to_string(r) + ")");
    }
    check(vkBindBufferMemory(dev.handle(), buffer_, memory_, 0), "vkBindBufferMemory");
    if (mp.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
        check(vkMapMemory(dev.handle(), memory_, 0, VK_WHOLE_SIZE, 0, &mapped_), "vkMapMemory");
    dev.allocated += req.size;
    allocated_ = req.size;
}

Buffer& Buffer::operator=(Buffer&& o) noexcept {
    if (this != &o) {
        this->~Buffer();
        dev_ = std::exchange(o.dev_, nullptr);
        buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
        memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
        size_ = std::exchange(o.size_, 0);
        allocated_ = std::exchange(o.allocated_, 0);
        mapped_ = std::exchange(o.mapped_, nullptr);
    }
    return *this;
}

Buffer::~Buffer() {
    if (!dev_) return;
    if (buffer_) vkDestroyBuffer(dev_->handle(), buffer_, nullptr);
    if (memory_) vkFreeMemory(dev_->handle(), memory_, nullptr);
    dev_->allocated -= allocated_;
    buffer_ = VK_NULL_HANDLE;
    memory_ = VK_NULL_HANDLE;
    dev_ = nullptr;
}

void Uploader::write(Buffer& dst, uint64_t offset, const void* src, uint64_t bytes) {
    if (dst.mapped()) {
        std::memcpy(static_cast<uint8_t*>(dst.mapped()) + offset, src, bytes);
        return;
    }
    std::lock_guard lock(mutex_);
    constexpr uint64_t chunk = 16ull << 20;
    if (!staging_.handle()) staging_ = Buffer(dev_, chunk, MemoryKind::Host);
    for (uint64_t done = 0; done < bytes;) {
        const uint64_t n = std::min(chunk, bytes - done);
        std::memcpy(staging_.mapped(), static_cast<const uint8_t*>(src) + done, n);
        const VkBufferCopy region{0, offset + done, n};
        vkCmdCopyBuffer(stream_.begin(), staging_.handle(), dst.handle(), 1, &region);
        stream_.submit_and_wait();
        done += n;
    }
}

}  // namespace tern::vk
