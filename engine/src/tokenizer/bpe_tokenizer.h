#pragma once
// Byte-level BPE (tokenizer.ggml.model = "gpt2") with the Llama-3 or the Qwen2 pre-tokenizer.
//
// Every gpt2 vocabulary is split with one of those two regexes (see llama3_pretokenizer.h); the
// factory picks by tokenizer.ggml.pre and logs when the file asks for something else. With
// Llama-3's (ignore_merges = true in its tokenizer.json, and in llama.cpp) a pre-token that is
// itself a vocabulary entry is emitted as is, without running the merges; Qwen2's runs them.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/llama3_pretokenizer.h"
#include "tokenizer/vocab_tokenizer.h"

namespace tern {

class BpeTokenizer final : public VocabTokenizer {
public:
    // Throws tern::Error when a merge names a token that is not in the vocabulary, or when a
    // byte has no token of its own.
    explicit BpeTokenizer(VocabData vocab, PreTokenizer pre = PreTokenizer::Llama3);

    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string token_bytes(int32_t id, bool render_special = false) const override;

private:
    struct Merge {
        int32_t rank;    // position in tokenizer.ggml.merges: lower merges first
        int32_t result;  // the token the pair becomes
    };
    static uint64_t pair_key(int32_t left, int32_t right) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }
    const Merge* find_merge(int32_t left, int32_t right) const;

    void encode_text(std::string_view text, std::vector<int32_t>& out) const;
    void encode_pretoken(std::string_view bytes, std::vector<int32_t>& out) const;

    PreTokenizer pre_;
    std::unordered_map<uint64_t, Merge> merges_;
    int32_t byte_token_[256];         // the token of each single byte
    std::vector<std::string> bytes_;  // what each normal token stands for, as raw bytes
};

}  // namespace tern
