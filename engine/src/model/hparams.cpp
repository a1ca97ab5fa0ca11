#include "model/hparams.h"

#include <array>

#include "tern/error.h"

namespace tern {

const ArchTraits* find_arch(std::string_view arch) {
    static constexpr std::array<ArchTraits, 4> table{{
        {"bitnet-b1.58", false, true},  // the official 2B4T GGUF
        {"bitnet-25", false, true},     // the first 2B4T GGUF: same graph
        {"bitnet-1.58", false, true},   // seen in one fork; costs nothing to accept
        {"bitnet", true, false},        // 1bitLLM bitnet_b1_58-large / -3B
    }};
    for (const auto& a : table)
        if (arch == a.name) return &a;
    return nullptr;
}

namespace {

int require_int(const gguf::File& f, const std::string& key, int64_t min_value = 1) {
    const auto v = f.get_uint(key);
    if (!v) throw Error(f.path() + ": missing key '" + key + "'");
    if (*v < static_cast<uint64_t>(min_value) || *v > (1u << 30))
        throw Error(f.path() + ": key '" + key + "' has an unusable value " + std::to_string(*v));
    return static_cast<int>(*v);
}

}  // namespace

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
    if (info.n_embd % info.n_head != 0)
        throw Error(f.path() + ": embedding_length " + std::to_string(info.n_embd) +
                    " is not a multiple of attention.head_count " + std::to_string(info.n_head));
    if (info.n_head % info.n_head_kv != 0)
        throw Error(f.path() + ": attention.head_count " + std::to_string(info.n_head) +
                    " is not a multiple of attention.head_count_kv " + std::to_string(info.n_head_kv));
    info.head_dim = info.n_embd / info.n_head;
    if (auto rot = f.get_uint(p + "rope.dimension_count"); rot && *rot != static_cast<uint64_t>(info.head_dim))
        throw Error(f.path() + ": rope.dimension_count " + std::to_string(*rot) + " differs from the head size " +
                    std::to_string(info.head_dim) + " (partial RoPE is not supported)");
    if (info.head_dim % 2 != 0) throw Error(f.path() + ": head size " + std::to_string(info.head_dim) + " is odd");
    info.rope_theta = static_cast<float>(f.get_float(p + "rope.freq_base").value_or(10000.0));
    info.rms_eps = static_cast<float>(f.get_float(p + "attention.layer_norm_rms_epsilon").value_or(1e-5));
    if (!(info.rope_theta > 0)) throw Error(f.path() + ": key '" + p + "rope.freq_base' must be positive");
    if (!(info.rms_eps > 0)) throw Error(f.path() + ": key '" + p + "attention.layer_norm_rms_epsilon' must be positive");
    info.activation = arch.silu_ffn ? "silu" : "relu^2";
    info.kv_bytes_per_token = 2ull * info.n_layer * info.n_head_kv * info.head_dim * sizeof(float);
}

}  // namespace tern
