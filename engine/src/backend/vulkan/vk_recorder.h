#pragma once
// Records a session's dispatches into one command buffer and submits it when the host needs a
// result. Barriers are inserted only where a dispatch touches memory that an earlier, not yet
// synchronized one wrote (or writes memory one read), so independent dispatches overlap.
#include <array>
#include <deque>
#include <vector>

#include "backend/vulkan/vk_buffer.h"
#include "backend/vulkan/vk_pipelines.h"

namespace tern::vk {

// A byte range of a buffer that a dispatch reads or writes.
struct Range {
    const Buffer* buffer = nullptr;
    uint64_t offset = 0;
    uint64_t size = 0;
};

class Recorder {
public:
    Recorder(Device& dev, Pipelines& pipelines);
    ~Recorder();

    // Stages binding `slot` of the next dispatch. Returns the element (4-byte) offset of the range
    // inside the bound window, for the push constants: bindings start at an aligned offset.
    uint32_t bind(uint32_t slot, Range r, bool write);
    // Records the kernel over `groups` workgroups (spread over x and y past 65535) with the staged
    // bindings, then clears them.
    void dispatch(Kernel k, const void* push, uint32_t push_bytes, uint32_t groups);
    void copy(Range src, Range dst);
    // Keeps a buffer alive until the recorded work that may use it has finished.
    void retire(Buffer&& b) { retired_.push_back(std::move(b)); }

    // Submits what was recorded and waits for it. No-op when nothing was recorded.
    void submit_and_wait();
    bool recording() const { return recording_; }

private:
    void begin();
    void sync(const std::vector<Range>& reads, const std::vector<Range>& writes);
    VkDescriptorSet allocate_set();

    Device& dev_;
    Pipelines& pipes_;
    CommandStream stream_;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;  // the stream's buffer while recording
    bool recording_ = false;

    std::vector<VkDescriptorPool> set_pools_;
    size_t set_pool_ = 0;

    std::array<VkDescriptorBufferInfo, kBindings> staged_{};
    std::vector<Range> staged_reads_, staged_writes_;
    std::vector<Range> unsynced_reads_, unsynced_writes_;

    std::deque<Buffer> retired_;
    Buffer dummy_;  // fills the bindings a kernel does not use
};

}  // namespace tern::vk
