#include <string_view>

#include "tern/chat.h"

namespace tern {
namespace {

// ASCII whitespace only: the content is UTF-8 and non-ASCII bytes must never be cut.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

const char* role_name(ChatMessage::Role role) {
    switch (role) {
        case ChatMessage::Role::System: return "System";
        case ChatMessage::Role::User: return "User";
        case ChatMessage::Role::Assistant: return "Assistant";
    }
    return "User";  // unreachable for valid enum values
}

std::string format_chat(const std::vector<ChatMessage>& messages, ChatTemplate tmpl,
                        bool add_generation_prompt) {
    const bool bitnet = tmpl == ChatTemplate::BitNet2B;
    // Each turn ends with <|eot_id|> (the token the model emits when done) or, for vocabularies
    // without it, a newline.
    const std::string_view end_of_turn = bitnet ? "<|eot_id|>" : "\n";

    std::string out;
    for (const auto& m : messages) {
        const std::string_view content = trim(m.content);
        // An empty system prompt means "no system prompt", not an empty turn.
        if (m.role == ChatMessage::Role::System && content.empty()) continue;
        out += role_name(m.role);
        out += ": ";
        out += content;
        out += end_of_turn;
    }
    // The trailing space is part of the 2B4T training format; Plain has no such convention.
    if (add_generation_prompt) out += bitnet ? "Assistant: " : "Assistant:";
    return out;
}

}  // namespace tern
