#pragma once
// Loading a BitNet b1.58 model from a GGUF file.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tern/chat.h"
#include "tern/options.h"
#include "tern/tokenizer.h"

namespace tern {

// What a model file says about itself (all from the file, nothing hard-coded).
struct ModelInfo {
    std::string path;
    std::string arch;          // "bitnet-b1.58", "bitnet-25", "bitnet", "llama", "qwen3"
    std::string name;          // general.name
    int n_vocab = 0;
    int n_ctx_train = 0;
    int n_embd = 0;
    int n_layer = 0;
    int n_head = 0;
    int n_head_kv = 0;
    int head_dim = 0;
    int n_ff = 0;
    float rope_theta = 0;
    float rope_freq_scale = 1;  // 1 / rope scaling factor (linear or YaRN)
    std::string rope_scaling = "none";  // rope.scaling.type as it runs: "none", "linear", "yarn"
    // YaRN (rope_scaling "yarn"): the context the model was trained on before scaling, and
    // llama.cpp's parameters from the file (defaults: ext 1, attn 1, beta fast 32, slow 1).
    int rope_ctx_orig = 0;
    float yarn_ext_factor = 0, yarn_attn_factor = 1, yarn_beta_fast = 32, yarn_beta_slow = 1;
    bool rope_freqs = false;    // the file has per-pair frequency factors (rope_freqs.weight)
    std::string rope_type;      // "neox" (pairs i, i + head_dim/2) or "normal" (adjacent pairs)
    bool sub_norms = false;     // BitNet's RMSNorm before attn_output and ffn_down
    bool qk_norm = false;       // per-head RMSNorm of Q and K before RoPE (qwen3)
    float rms_eps = 0;
    std::string activation;    // "relu^2" or "silu"
    // What the projections multiply: "int8 per-token absmax (BitNet)" for ternary projections
    // with the BitNet numerics, "float" for dense ones and for weight-only ternary models, which
    // were trained with float activations; "mixed" if they differ. See projection_note.
    std::string activation_numerics;
    std::string projection_note;  // one line on how the projections run, for tern-cli info
    std::string ternary_type;  // type of the projection weights ("I2_S", "TQ2_0", "TQ1_0", "mixed")
    bool tied_head = true;     // LM head is the token embedding
    std::map<std::string, int> tensor_types;  // type name -> tensor count
    uint64_t file_bytes = 0;
    uint64_t weight_bytes = 0;       // bytes of all tensors the graph uses
    uint64_t ternary_bytes = 0;      // of which ternary projection weights
    uint64_t parameters = 0;         // element count of those tensors
    uint64_t kv_bytes_per_token = 0; // K and V of one position, every layer, in kv_type
    KvType kv_type = KvType::F32;
    // How it was loaded.
    Precision precision = Precision::Ternary;
    std::string head_type;           // type of the LM head as it runs ("F16", "Q8_0", ...)
    uint64_t head_bytes = 0;         // its bytes
    // Weight bytes one decoded token reads: every projection plus the head (the embedding lookup
    // and norms are a few KB). The decode speed limit is memory bandwidth / this.
    uint64_t weight_bytes_per_token = 0;
    int n_threads = 0;                    // CPU threads the engine uses
    std::string backend;                  // what runs the model, e.g. "cpu-reference", "vulkan (NVIDIA ...)"
    std::string backend_fallback_reason;  // why a requested Vulkan backend is not used; "" if it is
};

struct LoadOptions {
    int n_threads = 0;  // 0: one per hardware thread
    // Cpu; Vulkan (device, or the best usable one including CPU-type devices such as lavapipe);
    // Auto (device if given, else a discrete then an integrated GPU, else the CPU). When Vulkan
    // cannot be used the model loads on the CPU and ModelInfo::backend_fallback_reason says why.
    enum class BackendKind { Auto, Cpu, Vulkan };
    BackendKind backend = BackendKind::Cpu;
    int device = -1;    // Vulkan device index (tern::list_devices()); -1: choose
    Precision precision = Precision::Ternary;
    HeadType head = HeadType::AsStored;
    KvType kv_type = KvType::F32;
    // Called with progress in [0, 1]; return false to cancel (load() then throws tern::Cancelled).
    std::function<bool(float)> progress;
};

// The most CPU threads a model may use: 4 per hardware thread (more only slows it down; a mistyped
// count would create threads until the system runs out of process ids).
int max_threads();

// The check every front end runs on load options a user gave: "" when usable, else a message
// (threads 0..max_threads(), device -1 or an index). Model::load throws tern::Error with it.
std::string validate(const LoadOptions& options);

class Backend;

class Model {
public:
    // Throws tern::Error with a message naming the file and what is wrong. A path that is not a
    // regular file (a FIFO, a device, a directory) is refused before anything can block on it.
    static std::shared_ptr<Model> load(const std::string& path, const LoadOptions& options = {});
    ~Model();

    const ModelInfo& info() const;
    const Tokenizer& tokenizer() const;
    ChatTemplate chat_template() const;
    double load_ms() const;
    // Memory the backend holds on its device right now (weights, KV caches of live sessions,
    // scratch); 0 on the CPU backend, whose memory is the process RSS.
    uint64_t device_memory_bytes() const;
    std::string backend_name() const { return info().backend; }
    std::string backend_fallback_reason() const { return info().backend_fallback_reason; }

private:
    friend struct ModelAccess;  // the engine's own view of the loaded weights (model_impl.h)
    struct Impl;
    Model();
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern
