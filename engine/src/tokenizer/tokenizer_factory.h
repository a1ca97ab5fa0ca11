#pragma once
#include <memory>
#include <string_view>

#include "gguf/gguf.h"
#include "tern/tokenizer.h"

namespace tern {

// Builds the tokenizer a model file describes (tokenizer.ggml.model = gpt2 | llama). `arch` selects
// defaults: bitnet-b1.58 / bitnet-25 files without tokenizer.ggml.pre use the Llama-3 pre-tokenizer.
// Throws tern::Error naming the file and key on a missing or inconsistent vocabulary.
std::unique_ptr<Tokenizer> make_tokenizer(const gguf::File& file, std::string_view arch);

}  // namespace tern
