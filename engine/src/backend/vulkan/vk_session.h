#pragma once
// The per-session side of the Vulkan backend (KV cache, scratch, recording the ops).
#include <memory>

#include "backend/backend.h"
#include "backend/vulkan/vk_buffer.h"
#include "backend/vulkan/vk_pipelines.h"

namespace tern::vk {

// What a backend shares with its sessions. Outlives them (the model owns the backend).
struct Context {
    std::shared_ptr<Instance> instance;
    std::unique_ptr<Device> device;
    std::unique_ptr<Pipelines> pipelines;
    std::unique_ptr<Uploader> uploader;
};

std::unique_ptr<BackendSession> make_session(Context& ctx, int n_layer, int n_ctx, int kv_dim);

class Recorder;
// The recorder of a Vulkan session (nullptr for another backend's): tests read its counters.
Recorder* session_recorder(BackendSession& session);

}  // namespace tern::vk
