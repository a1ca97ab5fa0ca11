#pragma once
// Architecture table and hyper-parameters read from a GGUF file.
#include <string>
#include <string_view>

#include "gguf/gguf.h"
#include "tern/model.h"

namespace tern {

// What differs between the BitNet architectures the engine runs.
struct ArchTraits {
    const char* name;
    bool silu_ffn;          // older 1bitLLM `bitnet`: SiLU gate; 2B4T: squared ReLU
    bool llama3_tokenizer;  // use the Llama-3 pre-tokenizer when tokenizer.ggml.pre is absent
};

// nullptr when the architecture is not one the engine runs.
const ArchTraits* find_arch(std::string_view arch);

// Fills the hyper-parameter fields of `info` from the file's `{arch}.*` keys, checking that they
// are present, positive and consistent. Throws tern::Error naming the file and key.
void read_hparams(const gguf::File& file, const ArchTraits& arch, ModelInfo& info);

}  // namespace tern
