#pragma once
// Architecture table and hyper-parameters read from a GGUF file.
#include <string>
#include <string_view>

#include "gguf/gguf.h"
#include "tern/model.h"

namespace tern {

// What differs between the architectures the engine runs (all in the same graph).
struct ArchTraits {
    const char* name;
    bool silu_ffn;          // SiLU gate (llama, qwen3, 1bitLLM `bitnet`); 2B4T: squared ReLU
    bool sub_norms;         // BitNet: RMSNorm before attn_output and ffn_down
    bool neox_rope;         // NEOX RoPE (BitNet, qwen3); llama: the "normal" mode (adjacent pairs)
    bool qk_norm;           // qwen3: per-head RMSNorm of Q and K before RoPE
    // Ternary projections quantize their input per token to int8 (BitNet b1.58 training, which
    // the 1.58-bit llama conversions follow). False: the ternary weights were trained with float
    // activations (weight-only ternary, Ternary-Bonsai), and run that way.
    bool int8_activations;
    bool llama3_tokenizer;  // use the Llama-3 pre-tokenizer when tokenizer.ggml.pre is absent
};

// nullptr when the architecture is not one the engine runs.
const ArchTraits* find_arch(std::string_view arch);
// "bitnet-b1.58, bitnet-25, ..." for messages.
std::string supported_archs();

// Fills the hyper-parameter fields of `info` from the file's `{arch}.*` keys, checking that they
// are present, positive and consistent. Throws tern::Error naming the file and key.
void read_hparams(const gguf::File& file, const ArchTraits& arch, ModelInfo& info);

}  // namespace tern
