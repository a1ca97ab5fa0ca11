#pragma once
// Finds special-token texts ("<|eot_id|>") in input text so they become their ids directly instead
// of being spelled out by the pre-tokenizer and BPE.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tern {

// A piece of the input: raw text to tokenize normally (id == -1), or one special token.
struct Fragment {
    std::string_view text;
    int32_t id = -1;
};

class SpecialTokenMatcher {
public:
    // `always`: recognised even when parse_special is false (user-defined tokens, as in llama.cpp
    // and HF tokenizers); otherwise only when parse_special is true (control tokens).
    void add(std::string_view text, int32_t id, bool always);

    // Scans left to right; at each position the longest special text that starts there wins,
    // as in the reference (HF added-token splitting). The fragments cover `text` exactly.
    std::vector<Fragment> split(std::string_view text, bool parse_special) const;

private:
    struct Entry {
        int32_t id;
        bool always;
    };
    std::unordered_map<std::string, Entry> by_text_;
    bool first_byte_[256] = {};  // quick reject: most positions cannot start a special token
    size_t max_len_ = 0;
    bool any_always_ = false;
};

}  // namespace tern
