#pragma once
// Vulkan instance, physical-device discovery and the logical device the backend runs on.
#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tern/devices.h"
#include "tern/error.h"

namespace tern::vk {

// A Vulkan call failed; what() names the call and the VkResult.
struct VkError : Error {
    using Error::Error;
};

void check(VkResult r, const char* what);

// One process-wide instance, created on first use. With TERN_VK_VALIDATION=1 in the environment
// the Khronos validation layer is enabled and its messages are logged and counted.
class Instance {
public:
    ~Instance();
    VkInstance handle() const { return instance_; }
    uint32_t api_version() const { return api_; }
    bool validation() const { return messenger_ != VK_NULL_HANDLE; }
    std::vector<VkPhysicalDevice> physical_devices() const;

    // Throws VkError when there is no usable loader or driver.
    static std::shared_ptr<Instance> get();

private:
    Instance() = default;
    VkInstance instance_ = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
    uint32_t api_ = VK_API_VERSION_1_2;
};

// Validation warnings and errors seen so far in this process (the tests require zero).
uint64_t validation_message_count();

std::vector<DeviceInfo> list_devices();
std::string instance_status();

// What the backend needs to know about its device beyond DeviceInfo.
struct DeviceCaps {
    VkPhysicalDeviceProperties props{};
    VkPhysicalDeviceMemoryProperties memory{};
    uint32_t subgroup_size = 8;
    bool subgroup_arith = false;  // subgroupAdd/Max (basic + arithmetic) in compute shaders
    bool int_dot_supported = false;
    bool int_dot_accelerated = false;
    bool fp64 = false;  // shaderFloat64 (enabled on the device when present)
};

// The logical device with one compute queue. Queue submissions from several sessions are
// serialized by queue_mutex.
class Device {
public:
    // use_int_dot: enable the shaderIntegerDotProduct feature (must be supported).
    Device(std::shared_ptr<Instance> instance, int index, bool use_int_dot);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    VkDevice handle() const { return device_; }
    VkPhysicalDevice physical() const { return physical_; }
    VkQueue queue() const { return queue_; }
    uint32_t queue_family() const { return family_; }
    const DeviceCaps& caps() const { return caps_; }
    const DeviceInfo& info() const { return info_; }
    const VkPhysicalDeviceLimits& limits() const { return caps_.props.limits; }
    std::mutex& queue_mutex() { return queue_mutex_; }

    // Bytes of device memory currently allocated by the backend.
    std::atomic<uint64_t> allocated{0};

private:
    std::shared_ptr<Instance> instance_;
    VkPhysicalDevice physical_ = VK_NULL_HANDLE;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    uint32_t family_ = 0;
    DeviceCaps caps_;
    DeviceInfo info_;
    std::mutex queue_mutex_;
};

// Probes one physical device.
DeviceInfo probe_device(VkPhysicalDevice pd, int index, DeviceCaps* caps = nullptr);

}  // namespace tern::vk
