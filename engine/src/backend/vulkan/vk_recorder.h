#pragma once
// Records a session's dispatches into command buffers and waits only when the host needs a
// result. Barriers are inserted only where a dispatch touches memory that an earlier, not yet
// synchronized one wrote (or writes memory one read), so independent dispatches overlap (Q/K/V
// in one dispatch, the two RoPEs, the two KV-cache copies). A long pass is submitted in pieces,
// the first soon, then about every 100 commands, so the device starts while the host records
// the rest; a barrier orders everything earlier in submission order, so the hazard tracking
// carries on across the pieces unchanged.
#include <array>
#include <deque>
#include <memory>
#include <vector>

#include "backend/vulkan/vk_buffer.h"
#include "backend/vulkan/vk_pipelines.h"

namespace tern::vk {

// A byte range of a buffer that a dispatch reads or writes.
struct Range {
    const Buffer* buffer = nullptr;
    uint64_t offset = 0;
    uint64_t size = 0;
    // Writes with the same nonzero tag come from dispatches of one op that write disjoint
    // elements inside overlapping byte ranges (the row chunks of a split matrix each write their
    // columns of the same output rows): no barrier between them.
    uint64_t tag = 0;
};

// Counts since the recorder was made (tests and diagnostics).
struct RecorderStats {
    uint64_t commands = 0;  // dispatches and copies
    uint64_t barriers = 0;
    uint64_t submits = 0;
    uint64_t waits = 0;
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
    // A fresh tag for Range::tag.
    uint64_t new_tag() { return ++last_tag_; }
    // Keeps a buffer alive until the recorded work that may use it has finished.
    void retire(Buffer&& b) { retired_.push_back(std::move(b)); }

    // Submits what was recorded and waits for it and for every earlier piece. No-op when nothing
    // was recorded.
    void submit_and_wait();
    // Waits for the pieces already submitted (before buffers they use go away).
    void wait_idle();
    bool recording() const { return recording_; }

    // Submit a piece once `first` commands are recorded in a pass, then every `every`; 0: only
    // in submit_and_wait.
    void set_submit_sizes(uint32_t first, uint32_t every) {
        first_submit_ = first;
        submit_every_ = every;
    }
    const RecorderStats& stats() const { return stats_; }

private:
    void begin();
    void command_recorded();
    void sync(const std::vector<Range>& reads, const std::vector<Range>& writes);
    VkDescriptorSet allocate_set();

    Device& dev_;
    Pipelines& pipes_;
    std::vector<std::unique_ptr<CommandStream>> streams_;  // streams_[0..current_) are in flight
    size_t current_ = 0;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;  // the current stream's buffer while recording
    bool recording_ = false;
    uint32_t first_submit_ = 24, submit_every_ = 100;
    uint32_t in_buffer_ = 0;  // commands in the current buffer
    RecorderStats stats_;
    uint64_t last_tag_ = 0;

    std::vector<VkDescriptorPool> set_pools_;
    size_t set_pool_ = 0;

    std::array<VkDescriptorBufferInfo, kBindings> staged_{};
    std::vector<Range> staged_reads_, staged_writes_;
    std::vector<Range> unsynced_reads_, unsynced_writes_;

    std::deque<Buffer> retired_;
    Buffer dummy_;  // fills the bindings a kernel does not use
};

}  // namespace tern::vk
