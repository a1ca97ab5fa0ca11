#pragma once
// Writes random ternary models in the exact official GGUF layout (bitnet-reference.md 2.3, 6), so
// the real loading code, kernels and file formats run without downloadable weights.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tensor/type_traits.h"

namespace tern {

struct SynthShape {
    int n_embd, n_ff, n_layer, n_head, n_head_kv, n_ctx;
};

struct SynthOptions {
    std::string preset = "tiny";        // tiny | small | 2b4t
    std::string arch = "bitnet-b1.58";  // bitnet-b1.58 | bitnet-25 | bitnet
    uint64_t seed = 1;
    std::string tokenizer_json;         // HF tokenizer.json (Llama-3) for the b1.58 architectures
    // Projection storage: I2_S, TQ2_0, TQ1_0, or F16/F32 (ternary values with *.scale tensors,
    // the layout of older converters).
    TypeId type = TypeId::I2_S;
    std::function<void(float)> progress;
    std::optional<SynthShape> shape;  // tests: this shape instead of the preset's
};

// Throws tern::Error for an unknown preset.
SynthShape synth_preset(const std::string& preset, const std::string& arch);

// Same options, same bytes. Throws tern::Error on bad options or a failed write.
void write_synth_model(const SynthOptions& options, const std::string& out_path);

}  // namespace tern
