#include "tokenizer/vocab_tokenizer.h"

#include <algorithm>

#include "tern/error.h"

namespace tern {

VocabTokenizer::VocabTokenizer(VocabData& v)
    : source_(std::move(v.source)),
      texts_(std::move(v.tokens)),
      scores_(std::move(v.scores)),
      types_(std::move(v.types)) {
    n_vocab_ = static_cast<int32_t>(texts_.size());
    ids_.reserve(texts_.size());
    for (size_t i = 0; i < texts_.size(); ++i) {
        const auto id = static_cast<int32_t>(i);
        ids_.emplace(texts_[i], id);  // the first id wins for a duplicated text
        if (types_[i] == TokenType::Control) specials_.add(texts_[i], id, /*always=*/false);
        if (types_[i] == TokenType::UserDefined) specials_.add(texts_[i], id, /*always=*/true);
    }

    bos_ = v.bos;
    eos_ = v.eos;
    add_bos_ = v.add_bos.value_or(true);
    // Llama-3 files have no eot_token_id; the chat turn ends with <|eot_id|> all the same.
    eot_ = v.eot >= 0 ? v.eot : find_token("<|eot_id|>");

    // Every token after which generation must stop: a model may emit any of them.
    // <|im_end|> and <|endoftext|>: ChatML (Qwen) turns and Qwen's end of text.
    for (int32_t id : {eos_, eot_, find_token("<|end_of_text|>"), find_token("<|eom_id|>"), find_token("<|im_end|>"),
                       find_token("<|endoftext|>")}) {
        if (id >= 0 && std::find(end_of_generation_.begin(), end_of_generation_.end(), id) == end_of_generation_.end()) {
            end_of_generation_.push_back(id);
        }
    }
}

void VocabTokenizer::check_id(int32_t id) const {
    if (id < 0 || id >= n_vocab_) {
        throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                    std::to_string(n_vocab_) + " tokens (" + source_ + ")");
    }
}

std::string_view VocabTokenizer::token_text(int32_t id) const {
    check_id(id);
    return texts_[static_cast<size_t>(id)];
}

int32_t VocabTokenizer::find_token(std::string_view text) const {
    auto it = ids_.find(text);
    return it == ids_.end() ? -1 : it->second;
}

std::vector<int32_t> VocabTokenizer::begin_encode(bool add_bos) const {
    std::vector<int32_t> out;
    if (add_bos && add_bos_ && bos_ >= 0) out.push_back(bos_);
    return out;
}

}  // namespace tern
