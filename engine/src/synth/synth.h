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
    int head_dim = 0;            // 0: n_embd / n_head; else written as attention.key_length
    float rope_theta = 0;        // 0: the architecture's usual base
    int tied = -1;               // -1: the architecture's usual head; 0: own output.weight; 1: tied
    float rope_yarn_factor = 0;  // > 0: rope.scaling.type yarn with this factor (tests)
    int rope_yarn_orig_ctx = 0;  //   and this rope.scaling.original_context_length
};

struct SynthOptions {
    // tiny | small | 2b4t; llama also falcon3-1b | llama3-8b; qwen3 also bonsai-1.7b | bonsai-4b
    std::string preset = "tiny";
    std::string arch = "bitnet-b1.58";  // bitnet-b1.58 | bitnet-25 | bitnet | llama | qwen3
    uint64_t seed = 1;
    std::string tokenizer_json;         // HF tokenizer.json (Llama-3) for the b1.58 architectures
    // Projection storage: I2_S, TQ2_0, TQ1_0, or F16/F32. For the BitNet architectures F16/F32
    // hold ternary values with *.scale tensors (older converters); for llama they are an ordinary
    // dense model (random normal weights, the FP16 twin's layout); for qwen3 ternary values times
    // a scale per 128 weights, as Ternary-Bonsai's F16 file.
    TypeId type = TypeId::I2_S;
    // token_embd and output.weight: F16 (the official files), or Q8_0, Q6_K, Q5_K, Q4_K as
    // llama.cpp's quantizer writes them (the k-quants need n_embd % 256 == 0).
    TypeId embd_type = TypeId::F16;
    std::function<void(float)> progress;
    std::optional<SynthShape> shape;  // tests: this shape instead of the preset's
};

// Throws tern::Error for an unknown preset.
SynthShape synth_preset(const std::string& preset, const std::string& arch);

// Same options, same bytes. Throws tern::Error on bad options or a failed write.
void write_synth_model(const SynthOptions& options, const std::string& out_path);

}  // namespace tern
