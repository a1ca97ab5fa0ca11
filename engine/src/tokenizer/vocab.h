#pragma once
// The tokenizer.ggml.* keys of a model file, read and checked once, in one plain struct that both
// tokenizer kinds are built from.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gguf/gguf.h"

namespace tern {

// tokenizer.ggml.token_type values (the llama.cpp convention the official files use).
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

struct VocabData {
    std::string source;                  // file path, for messages
    std::string model;                   // tokenizer.ggml.model: "gpt2" or "llama"
    std::optional<std::string> pre;      // tokenizer.ggml.pre, when present
    std::vector<std::string> tokens;
    std::vector<float> scores;           // one per token (0 when the file has none)
    std::vector<TokenType> types;        // one per token (Normal when the file has none)
    std::vector<std::string> merges;     // "A B", gpt2 only
    int32_t bos = -1, eos = -1, unk = -1, pad = -1;
    int32_t eot = -1;                    // tokenizer.ggml.eot_token_id, when present
    std::optional<bool> add_bos;         // tokenizer.ggml.add_bos_token
    std::optional<bool> add_space_prefix;  // tokenizer.ggml.add_space_prefix
};

// Reads and validates the vocabulary: tokens present, scores/token_type as long as tokens,
// special ids in range. Throws tern::Error naming the file and the key.
VocabData read_vocab(const gguf::File& file);

}  // namespace tern
