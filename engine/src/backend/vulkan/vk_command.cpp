#include "backend/vulkan/vk_command.h"

#include <mutex>

namespace tern::vk {

CommandStream::CommandStream(Device& dev) : dev_(dev) {
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = dev.queue_family();
    check(vkCreateCommandPool(dev.handle(), &pci, nullptr, &pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    if (vkAllocateCommandBuffers(dev.handle(), &ai, &cmd_) != VK_SUCCESS ||
        vkCreateFence(dev.handle(), &fi, nullptr, &fence_) != VK_SUCCESS) {
        vkDestroyCommandPool(dev.handle(), pool_, nullptr);  // the destructor will not run
        throw VkError("vkAllocateCommandBuffers/vkCreateFence failed");
    }
}

CommandStream::~CommandStream() {
    if (in_flight_) vkWaitForFences(dev_.handle(), 1, &fence_, VK_TRUE, UINT64_MAX);
    vkDestroyFence(dev_.handle(), fence_, nullptr);
    vkDestroyCommandPool(dev_.handle(), pool_, nullptr);  // frees the command buffer too
}

VkCommandBuffer CommandStream::begin() {
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
    return cmd_;
}

void CommandStream::submit() {
    check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    std::lock_guard lock(dev_.queue_mutex());  // one queue, shared by every session
    check(vkQueueSubmit(dev_.queue(), 1, &si, fence_), "vkQueueSubmit");
    in_flight_ = true;
}

void CommandStream::wait() {
    if (!in_flight_) return;
    const VkResult r = vkWaitForFences(dev_.handle(), 1, &fence_, VK_TRUE, UINT64_MAX);
    if (r == VK_ERROR_DEVICE_LOST) throw VkError("the Vulkan device was lost (driver reset or crash)");
    check(r, "vkWaitForFences");
    in_flight_ = false;
    check(vkResetFences(dev_.handle(), 1, &fence_), "vkResetFences");
    check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
}

}  // namespace tern::vk
