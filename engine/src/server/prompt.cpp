#include "server/prompt.h"

namespace tern::server {

std::vector<int32_t> chat_prompt_tokens(const Tokenizer& tok, ChatTemplate tmpl, const std::vector<ChatMessage>& messages) {
    if (tmpl != ChatTemplate::BitNet2B || tok.eot() < 0)
        return tok.encode(format_chat(messages, tmpl, true), true, false);  // no control tokens in the format
    // The tokenizer splits text at control tokens and encodes the pieces between them on their
    // own, so encoding each turn without its <|eot_id|> and inserting the id gives the same ids.
    constexpr std::string_view kEot = "<|eot_id|>";
    std::vector<int32_t> ids;
    bool first = true;
    auto append = [&](std::string_view text) {
        const auto part = tok.encode(text, first, false);
        ids.insert(ids.end(), part.begin(), part.end());
        first = false;
    };
    for (const auto& m : messages) {
        std::string turn = format_chat({m}, tmpl, false);  // "Role: content<|eot_id|>", or "" when skipped
        if (!std::string_view(turn).ends_with(kEot)) continue;
        turn.resize(turn.size() - kEot.size());
        append(turn);
        ids.push_back(tok.eot());
    }
    append(format_chat({}, tmpl, true));  // "Assistant: "
    return ids;
}

std::vector<int32_t> completion_prompt_tokens(const Tokenizer& tok, std::string_view prompt) {
    return tok.encode(prompt, tok.add_bos_default(), false);
}

}  // namespace tern::server
