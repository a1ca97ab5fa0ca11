#include <cstdio>

#include "commands.h"
#include "tern/devices.h"

namespace tern::cli {

int cmd_devices(int argc, char** argv) {
    Args args("devices", "", {});
    if (!args.parse(argc, argv)) return 0;
    const auto devices = list_devices();
    if (devices.empty()) {
        const std::string why = vulkan_status();
        std::printf("no Vulkan devices%s%s\n", why.empty() ? "" : ": ", why.c_str());
        return 0;
    }
    for (const DeviceInfo& d : devices) {
        std::printf("[%d] %s\n", d.index, d.name.c_str());
        std::printf("    type %s, Vulkan %s, driver %s\n", device_type_name(d.type), d.api_version.c_str(),
                    d.driver.c_str());
        std::printf("    memory:");
        for (const auto& h : d.heaps)
            std::printf(" %.0f MiB%s", static_cast<double>(h.bytes) / (1 << 20), h.device_local ? " (device)" : "");
        std::printf("\n    subgroup %u, max binding %.0f MiB, int8 storage %s, int8 dot %s, fp16 %s\n",
                    d.subgroup_size, static_cast<double>(d.max_storage_buffer_range) / (1 << 20),
                    d.int8_storage ? "yes" : "no",
                    d.int8_dot ? (d.int8_dot_accelerated ? "yes (accelerated)" : "yes (not accelerated)") : "no",
                    d.fp16 ? "yes" : "no");
        std::printf("    %s%s\n", d.usable ? "usable" : "not usable: ", d.usable ? "" : d.reason.c_str());
    }
    return 0;
}

}  // namespace tern::cli
