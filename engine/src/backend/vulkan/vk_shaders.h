#pragma once
// The SPIR-V of the compute shaders in shaders/, embedded at build time (shaders/CMakeLists.txt).
#include <cstdint>
#include <span>

namespace tern::vk {

// Empty span for an unknown name.
std::span<const uint32_t> shader_spirv(const char* name);

}  // namespace tern::vk
