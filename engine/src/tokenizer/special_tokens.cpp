#include "tokenizer/special_tokens.h"

#include <algorithm>

namespace tern {

void SpecialTokenMatcher::add(std::string_view text, int32_t id, bool always) {
    if (text.empty()) return;
    // The first id for a text wins, like the vocabulary's text -> id map.
    by_text_.emplace(std::string(text), Entry{id, always});
    first_byte_[static_cast<uint8_t>(text[0])] = true;
    max_len_ = std::max(max_len_, text.size());
    any_always_ = any_always_ || always;
}

std::vector<Fragment> SpecialTokenMatcher::split(std::string_view text, bool parse_special) const {
    std::vector<Fragment> out;
    if (!parse_special && !any_always_) {
        if (!text.empty()) out.push_back({text, -1});
        return out;
    }
    size_t raw_start = 0;
    size_t i = 0;
    std::string probe;
    while (i < text.size()) {
        int32_t found_id = -1;
        size_t found_len = 0;
        if (first_byte_[static_cast<uint8_t>(text[i])]) {
            // Longest first: "<|eot_id|>" must not be cut short by a shorter token that is its prefix.
            for (size_t len = std::min(max_len_, text.size() - i); len > 0; --len) {
                probe.assign(text.substr(i, len));
                auto it = by_text_.find(probe);
                if (it != by_text_.end() && (parse_special || it->second.always)) {
                    found_id = it->second.id;
                    found_len = len;
                    break;
                }
            }
        }
        if (found_len == 0) {
            ++i;
            continue;
        }
        if (i > raw_start) out.push_back({text.substr(raw_start, i - raw_start), -1});
        out.push_back({text.substr(i, found_len), found_id});
        i += found_len;
        raw_start = i;
    }
    if (raw_start < text.size()) out.push_back({text.substr(raw_start), -1});
    return out;
}

}  // namespace tern
