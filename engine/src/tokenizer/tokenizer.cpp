// The parts of tern::Tokenizer that do not depend on the vocabulary kind.
#include "tern/tokenizer.h"

#include <algorithm>

#include "tokenizer/unicode.h"

namespace tern {

std::string Tokenizer::decode_piece(int32_t prev, int32_t id, bool render_special) const {
    std::string bytes = token_bytes(id, render_special);
    if (strip_space_after_bos_ && prev >= 0 && prev == bos_ && !bytes.empty() && bytes[0] == ' ') {
        bytes.erase(0, 1);
    }
    return bytes;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool render_special) const {
    std::string out;
    int32_t prev = -1;
    for (int32_t id : ids) {
        out += decode_piece(prev, id, render_special);
        prev = id;
    }
    return out;
}

bool Tokenizer::is_end_of_generation(int32_t id) const {
    return std::find(end_of_generation_.begin(), end_of_generation_.end(), id) != end_of_generation_.end();
}

std::string StreamDecoder::push(int32_t id) {
    pending_ += tok_.decode_piece(prev_, id, render_special_);
    prev_ = id;
    // Hold back only a tail that may still become a character; bytes that never can are
    // replaced now, so every chunk is valid UTF-8.
    const size_t complete = unicode::complete_prefix_len(pending_);
    std::string out = unicode::sanitize_utf8(std::string_view(pending_).substr(0, complete));
    pending_.erase(0, complete);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out = unicode::sanitize_utf8(pending_);
    pending_.clear();
    return out;
}

}  // namespace tern
