#pragma once
// One primary command buffer with its pool and fence: record, submit on the device's queue, wait,
// and record again. The uploader works this way; the session recorder keeps several, so a forward
// pass can be submitted in pieces while the rest is still being recorded.
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
    // Ends the recording and submits it, signalling the fence.
    void submit();
    // Waits for the submitted work (no-op when nothing is in flight); then the buffer can be begun
    // again. Throws VkError (a lost device included).
    void wait();
    void submit_and_wait() {
        submit();
        wait();
    }
    bool in_flight() const { return in_flight_; }

private:
    Device& dev_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    bool in_flight_ = false;
};

}  // namespace tern::vk
