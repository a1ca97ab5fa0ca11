#pragma once
// One primary command buffer with its pool and fence: record, submit on the device's queue, wait,
// and record again. The uploader and the session recorder both work this way.
#include "backend/vulkan/vk_context.h"

namespace tern::vk {

class CommandStream {
public:
    explicit CommandStream(Device& dev);
    ~CommandStream();
    CommandStream(const CommandStream&) = delete;
    CommandStream& operator=(const CommandStream&) = delete;

    // Starts a one-time-submit recording and returns the buffer to record into.
    VkCommandBuffer begin();
    // Ends the recording, submits it and waits; then the buffer can be begun again.
    // Throws VkError (a lost device included).
    void submit_and_wait();

private:
    Device& dev_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
};

}  // namespace tern::vk
