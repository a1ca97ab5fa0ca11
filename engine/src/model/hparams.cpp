#include "model/hparams.h"

#include <array>

#include "tern/error.h"

namespace tern {

namespace {

constexpr std::array<ArchTraits, 6> kArchs{{
    //  name            silu   subnorm neox   qknorm int8   llama3 vocab
    {"bitnet-b1.58", false, true, true, false, true, true},  // the official 2B4T GGUF
    {"bitnet-25", false, true, true, false, true, true},     // the first 2B4T GGUF: same graph
    {"bitnet-1.58", false, true, true, false, true, true},   // seen in one fork; costs nothing to accept
    {"bitnet", true, true, true, false, true, false},        // 1bitLLM bitnet_b1_58-large / -3B
    // Falcon3-1.58bit, Falcon-E, Llama3-8B-1.58 as bitnet.cpp converts them, and any F16 llama.
    {"llama", true, false, false, false, true, false},
    {"qwen3", true, false, true, true, false, false},  // Ternary-Bonsai (weight-only ternary)
}};

int require_int(const gguf::File& f, const std::string& key, int64_t min_value = 1) {
    const auto v = f.get_uint(key);
    if (!v) throw Error(f.path() + ": missing key '" + key + "'");
    if (*v < static_cast<uint64_t>(min_value) || *v > (1u << 30))
        throw Error(f.path() + ": key '" + key + "' has an unusable value " + std::to_string(*v));
    return static_cast<int>(*v);
}

// llama.cpp's rope scaling keys: the factor is rope.scaling.factor, else rope.scale_linear, and
// positions are divided by it (llama.cpp's freq_scale = 1 / factor); type none never scales, as
// in llama.cpp. yarn mixes interpolated and extrapolated angles (RopeYarn) with its parameters
// from rope.scaling.original_context_length (else the trained context) and yarn_* keys.
// Other types (longrope, DeepSeek's yarn_log_multiplier) are refused, not run wrongly.
void read_rope_scaling(const gguf::File& f, const std::string& p, ModelInfo& info) {
    double factor = f.get_float(p + "rope.scaling.factor").value_or(0.0);
    if (factor == 0.0) factor = f.get_float(p + "rope.scale_linear").value_or(0.0);
    if (factor == 0.0 || factor == 1.0) return;
    const std::string type = f.get_string(p + "rope.scaling.type").value_or("linear");
    if (type == "none") return;  // llama.cpp never scales then
    if (type != "linear" && type != "yarn")
        throw Error(f.path() + ": rope scaling '" + type + "' is not supported (Tern runs none, linear and yarn)");
    if (!(factor > 0) || factor > 1e6)
        throw Error(f.path() + ": rope scaling factor " + std::to_string(factor) + " is unusable");
    info.rope_scaling = type;
    info.rope_freq_scale = static_cast<float>(1.0 / factor);
    if (type != "yarn") return;
    if (f.get_float(p + "rope.scaling.yarn_log_multiplier").value_or(0.0) != 0.0)
        throw Error(f.path() + ": rope.scaling.yarn_log_multiplier is not supported");
    auto key = [&](const char* name, double fallback, double lo, double hi) {
        const double v = f.get_float(p + "rope.scaling." + name).value_or(fallback);
        if (!(v >= lo && v <= hi))
            throw Error(f.path() + ": key '" + p + "rope.scaling." + name + "' has an unusable value " + std::to_string(v));
        return static_cast<float>(v);
    };
    info.yarn_ext_factor = key("yarn_ext_factor", 1.0, 0.0, 1e3);
    info.yarn_attn_factor = key("yarn_attn_factor", f.get_float(p + "rope.scaling.attn_factor").value_or(1.0), 1e-6, 1e3);
    info.yarn_beta_fast = key("yarn_beta_fast", 32.0, 1e-6, 1e6);
    info.yarn_beta_slow = key("yarn_beta_slow", 1.0, 1e-6, 1e6);
    info.rope_ctx_orig = info.n_ctx_train;
    if (f.get_uint(p + "rope.scaling.original_context_length"))
        info.rope_ctx_orig = require_int(f, p + "rope.scaling.original_context_length");
}

}  // namespace

const ArchTraits* find_arch(std::string_view arch) {
    for (const auto& a : kArchs)
        if (arch == a.name) return &a;
    return nullptr;
}

std::string supported_archs() {
    std::string s;
    for (const auto& a : kArchs) s += (s.empty() ? "" : ", ") + std::string(a.name);
    return s;
}

void read_hparams(const gguf::File& f, const ArchTraits& arch, ModelInfo& info) {
    const std::string p = std::string(arch.name) + ".";
    info.arch = arch.name;
    info.name = f.get_string("general.name").value_or("");
    info.n_embd = require_int(f, p + "embedding_length");
    info.n_layer = require_int(f, p + "block_count");
    info.n_ff = require_int(f, p + "feed_forward_length");
    info.n_head = require_int(f, p + "attention.head_count");
    info.n_head_kv = f.get_uint(p + "attention.head_count_kv") ? require_int(f, p + "attention.head_count_kv")
                                                                : info.n_head;
    info.n_ctx_train = f.get_uint(p + "context_length") ? require_int(f, p + "context_length") : 2048;
    if (info.n_head % info.n_head_kv != 0)
        throw Error(f.path() + ": attention.head_count " + std::to_string(info.n_head) +
                    " is not a multiple of attention.head_count_kv " + std::to_string(info.n_head_kv));
    // The head size: attention.key_length where the file has it (Qwen3-4B: 32 heads of 128 over
    // a 2560-wide stream), else embedding_length / head_count.
    if (f.get_uint(p + "attention.key_length")) {
        info.head_dim = require_int(f, p + "attention.key_length");
        const int v = f.get_uint(p + "attention.value_length") ? require_int(f, p + "attention.value_length")
                                                                : info.head_dim;
        if (v != info.head_dim)
            throw Error(f.path() + ": attention.value_length " + std::to_string(v) + " differs from key_length " +
                        std::to_string(info.head_dim) + " (not supported)");
    } else {
        if (info.n_embd % info.n_head != 0)
            throw Error(f.path() + ": embedding_length " + std::to_string(info.n_embd) +
                        " is not a multiple of attention.head_count " + std::to_string(info.n_head));
        info.head_dim = info.n_embd / info.n_head;
    }
    if (auto rot = f.get_uint(p + "rope.dimension_count"); rot && *rot != static_cast<uint64_t>(info.head_dim))
        throw Error(f.path() + ": rope.dimension_count " + std::to_string(*rot) + " differs from the head size " +
                    std::to_string(info.head_dim) + " (partial RoPE is not supported)");
    if (info.head_dim % 2 != 0) throw Error(f.path() + ": head size " + std::to_string(info.head_dim) + " is odd");
    info.rope_theta = static_cast<float>(f.get_float(p + "rope.freq_base").value_or(10000.0));
    info.rms_eps = static_cast<float>(f.get_float(p + "attention.layer_norm_rms_epsilon").value_or(1e-5));
    if (!(info.rope_theta > 0)) throw Error(f.path() + ": key '" + p + "rope.freq_base' must be positive");
    if (!(info.rms_eps > 0)) throw Error(f.path() + ": key '" + p + "attention.layer_norm_rms_epsilon' must be positive");
    read_rope_scaling(f, p, info);
    info.rope_type = arch.neox_rope ? "neox" : "normal";
    info.sub_norms = arch.sub_norms;
    info.qk_norm = arch.qk_norm;
    info.activation = arch.silu_ffn ? "silu" : "relu^2";
    info.kv_bytes_per_token = 2ull * info.n_layer * info.n_head_kv * info.head_dim * sizeof(float);
}

}  // namespace tern
