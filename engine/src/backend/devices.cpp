#include "tern/devices.h"

#ifdef TERN_HAVE_VULKAN
#include "backend/vulkan/vk_context.h"
#endif

namespace tern {

#ifdef TERN_HAVE_VULKAN
std::vector<DeviceInfo> list_devices() { return vk::list_devices(); }
std::string vulkan_status() { return vk::instance_status(); }
#else
std::vector<DeviceInfo> list_devices() { return {}; }
std::string vulkan_status() { return "this build of Tern has no Vulkan backend"; }
#endif

}  // namespace tern
