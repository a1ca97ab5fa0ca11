#include "backend/vulkan/vk_context.h"

#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace tern::vk {
namespace {

std::atomic<uint64_t> g_validation_messages{0};

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
    if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        ++g_validation_messages;
        spdlog::error("vulkan validation: {}", data && data->pMessage ? data->pMessage : "(no message)");
    }
    return VK_FALSE;
}

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

bool has_layer(const char* name) {
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    vkEnumerateInstanceLayerProperties(&n, layers.data());
    for (const auto& l : layers)
        if (std::strcmp(l.layerName, name) == 0) return true;
    return false;
}

std::string version_string(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

bool has_device_extension(VkPhysicalDevice pd, const char* name) {
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data());
    for (const auto& e : ext)
        if (std::strcmp(e.extensionName, name) == 0) return true;
    return false;
}

// A queue family that can run compute; one without graphics is preferred (a dedicated compute
// queue). -1 if there is none.
int compute_family(VkPhysicalDevice pd) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> fams(n);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, fams.data());
    int best = -1;
    for (uint32_t i = 0; i < n; ++i) {
        if (!(fams[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
        if (best < 0 || !(fams[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) best = static_cast<int>(i);
        if (!(fams[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) break;
    }
    return best;
}

std::mutex g_instance_mutex;
std::weak_ptr<Instance> g_instance;

}  // namespace

// External linkage, so the store cannot be optimized away and LeakSanitizer sees a root.
std::shared_ptr<Instance>* g_keep_alive = nullptr;

void check(VkResult r, const char* what) {
    if (r != VK_SUCCESS) throw VkError(std::string(what) + " failed (VkResult " + std::to_string(r) + ")");
}

uint64_t validation_message_count() { return g_validation_messages.load(); }

std::shared_ptr<Instance> Instance::get() {
    std::lock_guard lock(g_instance_mutex);
    if (auto live = g_instance.lock()) return live;

#if defined(__SANITIZE_ADDRESS__)
    // The loader probes every installed driver and unloads those without devices; what they
    // allocated is then unattributable. Not ours: keep it out of the leak report.
    __lsan::ScopedDisabler no_leak_checks;
#endif
    std::shared_ptr<Instance> inst(new Instance());
    uint32_t loader_version = VK_API_VERSION_1_0;
    vkEnumerateInstanceVersion(&loader_version);
    if (loader_version < VK_API_VERSION_1_2)
        throw VkError("the Vulkan loader is version " + version_string(loader_version) + "; Tern needs 1.2");
    inst->api_ = loader_version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : VK_API_VERSION_1_2;

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Tern";
    app.pEngineName = "Tern";
    app.apiVersion = inst->api_;

    std::vector<const char*> layers, extensions;
    const bool want_validation = env_flag("TERN_VK_VALIDATION");
    if (want_validation) {
        if (has_layer("VK_LAYER_KHRONOS_validation")) {
            layers.push_back("VK_LAYER_KHRONOS_validation");
            extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
        } else {
            spdlog::warn("TERN_VK_VALIDATION is set but VK_LAYER_KHRONOS_validation is not installed");
        }
    }
    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    // Synchronization validation too: it checks that the recorder's minimal barriers suffice.
    const VkValidationFeatureEnableEXT sync = VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT;
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = &sync;
    if (!layers.empty()) ci.pNext = &features;
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    const VkResult r = vkCreateInstance(&ci, nullptr, &inst->instance_);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) throw VkError("no Vulkan driver is installed");
    check(r, "vkCreateInstance");

    if (!layers.empty()) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(inst->instance_, "vkCreateDebugUtilsMessengerEXT"));
        VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
        mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
        mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
        mi.pfnUserCallback = on_debug_message;
        if (create) check(create(inst->instance_, &mi, nullptr, &inst->messenger_), "vkCreateDebugUtilsMessengerEXT");
    }
    // Kept until the process exits, never destroyed: destroying it unloads the driver, whose
    // still-allocated internals then show up as leaks (LeakSanitizer), and recreating it for
    // every model costs tens of milliseconds.
    if (!g_keep_alive) g_keep_alive = new std::shared_ptr<Instance>(inst);
    g_instance = inst;
    return inst;
}

Instance::~Instance() {
    if (messenger_) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(instance_, messenger_, nullptr);
    }
    if (instance_) vkDestroyInstance(instance_, nullptr);
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
    uint32_t n = 0;
    check(vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> out(n);
    check(vkEnumeratePhysicalDevices(instance_, &n, out.data()), "vkEnumeratePhysicalDevices");
    out.resize(n);
    return out;
}

DeviceInfo probe_device(VkPhysicalDevice pd, int index, DeviceCaps* caps_out) {
    DeviceCaps caps;
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceShaderIntegerDotProductProperties dotp{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES};
    VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    vkGetPhysicalDeviceProperties(pd, &caps.props);
    const uint32_t api = caps.props.apiVersion;
    const bool dot_ext = has_device_extension(pd, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    props2.pNext = &subgroup;
    subgroup.pNext = &driver;
    if (api >= VK_API_VERSION_1_3 || dot_ext) driver.pNext = &dotp;
    vkGetPhysicalDeviceProperties2(pd, &props2);

    VkPhysicalDevice16BitStorageFeatures f16s{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
    VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    VkPhysicalDeviceFeatures2 feats{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    feats.pNext = &f16s;
    if (api >= VK_API_VERSION_1_2) f16s.pNext = &f12;
    if (api >= VK_API_VERSION_1_3) f12.pNext = &f13;
    vkGetPhysicalDeviceFeatures2(pd, &feats);
    vkGetPhysicalDeviceMemoryProperties(pd, &caps.memory);

    DeviceInfo info;
    info.index = index;
    info.name = caps.props.deviceName;
    switch (caps.props.deviceType) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: info.type = DeviceType::Discrete; break;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: info.type = DeviceType::Integrated; break;
        case VK_PHYSICAL_DEVICE_TYPE_CPU: info.type = DeviceType::Cpu; break;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: info.type = DeviceType::Virtual; break;
        default: info.type = DeviceType::Other; break;
    }
    info.driver = std::string(driver.driverName) + (driver.driverInfo[0] ? std::string(" (") + driver.driverInfo + ")" : "");
    info.api_version = version_string(api);
    for (uint32_t i = 0; i < caps.memory.memoryHeapCount; ++i)
        info.heaps.push_back({caps.memory.memoryHeaps[i].size,
                              (caps.memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0});
    info.subgroup_size = subgroup.subgroupSize;
    info.max_storage_buffer_range = caps.props.limits.maxStorageBufferRange;
    info.int8_storage = api >= VK_API_VERSION_1_2 && f12.storageBuffer8BitAccess;
    info.fp16 = api >= VK_API_VERSION_1_2 && f12.shaderFloat16 && f16s.storageBuffer16BitAccess;
    info.int8_dot = api >= VK_API_VERSION_1_3 && f13.shaderIntegerDotProduct;
    info.int8_dot_accelerated = info.int8_dot && dotp.integerDotProduct4x8BitPackedSignedAccelerated;

    // What the shaders need: Vulkan 1.2 SPIR-V, a compute queue, 64-wide workgroups, and 16 KiB of
    // shared memory. Nothing else (f16 weights are unpacked from uints, int8 from packed ints).
    if (api < VK_API_VERSION_1_2) info.reason = "Vulkan " + info.api_version + " device; Tern needs 1.2";
    else if (compute_family(pd) < 0) info.reason = "no compute queue";
    else if (caps.props.limits.maxComputeWorkGroupInvocations < 64 || caps.props.limits.maxComputeWorkGroupSize[0] < 64)
        info.reason = "workgroups smaller than 64 invocations";
    else if (caps.props.limits.maxComputeSharedMemorySize < 16384) info.reason = "less than 16 KiB of shared memory";
    info.usable = info.reason.empty();

    caps.subgroup_size = subgroup.subgroupSize ? subgroup.subgroupSize : 8;
    const VkSubgroupFeatureFlags need = VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT;
    caps.subgroup_arith = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                          (subgroup.supportedOperations & need) == need;
    caps.int_dot_supported = info.int8_dot;
    caps.int_dot_accelerated = info.int8_dot_accelerated;
    caps.fp64 = feats.features.shaderFloat64;
    if (caps_out) *caps_out = caps;
    return info;
}

std::vector<DeviceInfo> list_devices() {
    try {
        auto inst = Instance::get();
        std::vector<DeviceInfo> out;
        const auto pds = inst->physical_devices();
        for (size_t i = 0; i < pds.size(); ++i) out.push_back(probe_device(pds[i], static_cast<int>(i)));
        return out;
    } catch (const std::exception& e) {
        spdlog::debug("no Vulkan devices: {}", e.what());
        return {};
    }
}

std::string instance_status() {
    try {
        auto inst = Instance::get();
        if (inst->physical_devices().empty()) return "no Vulkan device found (is a Vulkan driver installed?)";
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

Device::Device(std::shared_ptr<Instance> instance, int index, bool use_int_dot) : instance_(std::move(instance)) {
    const auto pds = instance_->physical_devices();
    if (index < 0 || index >= static_cast<int>(pds.size()))
        throw VkError("Vulkan device " + std::to_string(index) + " does not exist (" + std::to_string(pds.size()) +
                      " found)");
    physical_ = pds[index];
    info_ = probe_device(physical_, index, &caps_);
    if (!info_.usable) throw VkError("Vulkan device " + std::to_string(index) + " (" + info_.name + "): " + info_.reason);
    family_ = static_cast<uint32_t>(compute_family(physical_));

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = family_;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    // Only what the shaders use; robustBufferAccess stays off (it costs integer instructions).
    VkPhysicalDeviceVulkan13Features f13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    f13.shaderIntegerDotProduct = use_int_dot ? VK_TRUE : VK_FALSE;
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    if (use_int_dot) dci.pNext = &f13;
    VkPhysicalDeviceFeatures base{};
    base.shaderFloat64 = caps_.fp64 ? VK_TRUE : VK_FALSE;  // RMSNorm in double, like the CPU
    dci.pEnabledFeatures = &base;
    check(vkCreateDevice(physical_, &dci, nullptr, &device_), "vkCreateDevice");
    vkGetDeviceQueue(device_, family_, 0, &queue_);
}

Device::~Device() {
    if (device_) vkDestroyDevice(device_, nullptr);
}

}  // namespace tern::vk
