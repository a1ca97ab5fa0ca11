#pragma once
// The Vulkan compute backend: weights repacked into GPU buffers at upload, sessions that record a
// forward pass into command buffers submitted in pieces and wait only for results (see
// vk_session.cpp and vk_recorder.h).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "tern/devices.h"

namespace tern {

struct VulkanOptions {
    int device = -1;          // -1: pick one (see pick_vulkan_device)
    bool allow_cpu = true;    // with device == -1: may pick a CPU-type device (lavapipe)
    enum class IntDot { Auto, On, Off } int_dot = IntDot::Auto;  // Auto: where accelerated
    bool subgroups = true;    // subgroup-arithmetic reductions where supported (false: shared memory)
    uint32_t matvec_workgroup = 0;  // tests: mat-vec workgroup size (power of two, 8..64; 0: the subgroup's)
    uint64_t need_bytes = 0;  // rough size of the weights, checked against the device memory
    uint64_t max_chunk_bytes = 0;  // tests: split dense matrices into smaller chunks than the limit
};

// Index of the device to use: discrete, then integrated, then (allow_cpu) any usable one. -1 and a
// reason when there is none.
int pick_vulkan_device(const std::vector<DeviceInfo>& devices, bool allow_cpu, std::string* why);

// Throws tern::Error (with the reason) when the device cannot be used.
std::unique_ptr<Backend> make_vulkan_backend(const VulkanOptions& options);

}  // namespace tern
