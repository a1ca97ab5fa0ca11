#include "backend/vulkan/vk_recorder.h"

#include <algorithm>

namespace tern::vk {
namespace {

constexpr uint32_t kSetsPerPool = 256;

bool overlaps(const Range& a, const Range& b) {
    return a.buffer == b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

bool any_overlap(const std::vector<Range>& xs, const std::vector<Range>& ys, bool both_writes = false) {
    for (const Range& x : xs)
        for (const Range& y : ys)
            if (overlaps(x, y) && !(both_writes && x.tag != 0 && x.tag == y.tag)) return true;
    return false;
}

}  // namespace

Recorder::Recorder(Device& dev, Pipelines& pipelines) : dev_(dev), pipes_(pipelines) {
    dummy_ = Buffer(dev, 256, MemoryKind::Device);
}

Recorder::~Recorder() {
    // Pieces already submitted finish first (each stream waits for its own work); work recorded
    // but never submitted is dropped with its pool.
    streams_.clear();
    for (VkDescriptorPool p : set_pools_) vkDestroyDescriptorPool(dev_.handle(), p, nullptr);
}

void Recorder::begin() {
    if (recording_) return;
    if (current_ == streams_.size()) streams_.push_back(std::make_unique<CommandStream>(dev_));
    cmd_ = streams_[current_]->begin();
    recording_ = true;
    in_buffer_ = 0;
}

void Recorder::command_recorded() {
    ++stats_.commands;
    ++in_buffer_;
    const uint32_t limit = current_ == 0 ? first_submit_ : submit_every_;
    if (limit == 0 || in_buffer_ < limit) return;
    // Submit this piece without waiting. Descriptor sets, retired buffers and the hazard lists
    // stay as they are until submit_and_wait has waited for every piece.
    streams_[current_]->submit();
    ++stats_.submits;
    ++current_;
    recording_ = false;
}

uint32_t Recorder::bind(uint32_t slot, Range r, bool write) {
    const uint64_t align = std::max<uint64_t>(dev_.limits().minStorageBufferOffsetAlignment, 4);
    const uint64_t start = r.offset / align * align;
    const uint64_t range = std::max<uint64_t>(r.offset + r.size - start, 4);
    if (range > dev_.limits().maxStorageBufferRange)
        throw VkError("a binding of " + std::to_string(range) + " bytes exceeds maxStorageBufferRange");
    staged_[slot] = {r.buffer->handle(), start, range};
    (write ? staged_writes_ : staged_reads_).push_back(r);
    return static_cast<uint32_t>((r.offset - start) / 4);
}

void Recorder::sync(const std::vector<Range>& reads, const std::vector<Range>& writes) {
    // Read after write, write after write, write after read.
    const bool hazard = any_overlap(reads, unsynced_writes_) || any_overlap(writes, unsynced_writes_, true) ||
                        any_overlap(writes, unsynced_reads_);
    if (hazard) {
        VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
        mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                           VK_ACCESS_TRANSFER_WRITE_BIT;
        const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
        vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
        ++stats_.barriers;
        unsynced_reads_.clear();
        unsynced_writes_.clear();
    }
    unsynced_reads_.insert(unsynced_reads_.end(), reads.begin(), reads.end());
    unsynced_writes_.insert(unsynced_writes_.end(), writes.begin(), writes.end());
}

VkDescriptorSet Recorder::allocate_set() {
    for (;; ++set_pool_) {
        if (set_pool_ == set_pools_.size()) {
            const VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kBindings};
            VkDescriptorPoolCreateInfo ci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
            ci.maxSets = kSetsPerPool;
            ci.poolSizeCount = 1;
            ci.pPoolSizes = &size;
            VkDescriptorPool pool;
            check(vkCreateDescriptorPool(dev_.handle(), &ci, nullptr, &pool), "vkCreateDescriptorPool");
            set_pools_.push_back(pool);
        }
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = set_pools_[set_pool_];
        ai.descriptorSetCount = 1;
        const VkDescriptorSetLayout layout = pipes_.set_layout();
        ai.pSetLayouts = &layout;
        VkDescriptorSet set;
        const VkResult r = vkAllocateDescriptorSets(dev_.handle(), &ai, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
    }
}

void Recorder::dispatch(Kernel k, const void* push, uint32_t push_bytes, uint32_t groups) {
    begin();
    const Pipeline& p = pipes_.get(k);
    sync(staged_reads_, staged_writes_);
    const VkDescriptorSet set = allocate_set();
    std::array<VkWriteDescriptorSet, kBindings> writes{};
    for (uint32_t i = 0; i < kBindings; ++i) {
        if (!staged_[i].buffer) staged_[i] = {dummy_.handle(), 0, VK_WHOLE_SIZE};
        writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &staged_[i];
    }
    vkUpdateDescriptorSets(dev_.handle(), kBindings, writes.data(), 0, nullptr);
    vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p.handle);
    vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipes_.layout(), 0, 1, &set, 0, nullptr);
    vkCmdPushConstants(cmd_, pipes_.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
    const uint32_t max_x = std::min<uint32_t>(dev_.limits().maxComputeWorkGroupCount[0], 65535);
    const uint32_t x = std::min(groups, max_x), y = (groups + x - 1) / x;
    if (groups > 0) vkCmdDispatch(cmd_, x, y, 1);
    staged_ = {};
    staged_reads_.clear();
    staged_writes_.clear();
    command_recorded();
}

void Recorder::copy(Range src, Range dst) {
    begin();
    sync({src}, {dst});
    const VkBufferCopy region{src.offset, dst.offset, src.size};
    vkCmdCopyBuffer(cmd_, src.buffer->handle(), dst.buffer->handle(), 1, &region);
    command_recorded();
}

void Recorder::submit_and_wait() {
    if (!recording_ && current_ == 0) return;
    begin();  // the last piece may have just been submitted: the host barrier needs a buffer
    // Make transfer and shader writes visible to the host reading mapped memory after the fence;
    // the barrier's first scope covers the earlier pieces too (submission order).
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
    recording_ = false;
    streams_[current_]->submit();
    ++stats_.submits;
    ++current_;
    wait_idle();
    for (VkDescriptorPool p : set_pools_) vkResetDescriptorPool(dev_.handle(), p, 0);
    set_pool_ = 0;
    unsynced_reads_.clear();
    unsynced_writes_.clear();
    retired_.clear();
}

void Recorder::wait_idle() {
    // In submission order; the last fence alone would do, but each buffer must be reset anyway.
    for (size_t i = 0; i < current_; ++i) streams_[i]->wait();
    if (current_ > 0) ++stats_.waits;
    if (recording_) {
        // A piece still being recorded moves to the front so the streams stay [in flight][free].
        std::swap(streams_[0], streams_[current_]);
    }
    current_ = 0;
}

}  // namespace tern::vk
