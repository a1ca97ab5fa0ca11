#pragma once
// The compute devices Tern can see (Vulkan physical devices), for `tern-cli devices` and the app's
// device picker. Empty when the engine was built without Vulkan or no Vulkan driver is installed.
#include <cstdint>
#include <string>
#include <vector>

namespace tern {

enum class DeviceType { Discrete, Integrated, Cpu, Virtual, Other };

struct MemoryHeapInfo {
    uint64_t bytes = 0;
    bool device_local = false;
};

struct DeviceInfo {
    int index = 0;                 // what --device N and LoadOptions::device take
    std::string name;
    DeviceType type = DeviceType::Other;
    std::string driver;            // driver name and info, e.g. "llvmpipe (Mesa 22.3.6 ...)"
    std::string api_version;       // "1.3.230"
    std::vector<MemoryHeapInfo> heaps;
    uint32_t subgroup_size = 0;
    uint64_t max_storage_buffer_range = 0;
    bool int8_storage = false;     // storageBuffer8BitAccess
    bool int8_dot = false;         // shaderIntegerDotProduct
    bool int8_dot_accelerated = false;  // 4x8 packed signed dot product is fast
    bool fp16 = false;             // shaderFloat16 and storageBuffer16BitAccess
    bool usable = false;
    std::string reason;            // why not usable
};

inline const char* device_type_name(DeviceType type) {
    switch (type) {
        case DeviceType::Discrete: return "discrete";
        case DeviceType::Integrated: return "integrated";
        case DeviceType::Cpu: return "cpu";
        case DeviceType::Virtual: return "virtual";
        default: return "other";
    }
}

// Never throws: a missing driver gives an empty list (see vulkan_status() for why).
std::vector<DeviceInfo> list_devices();
// "" when Vulkan is available, else a sentence saying why not (not built, no driver, ...).
std::string vulkan_status();

}  // namespace tern
