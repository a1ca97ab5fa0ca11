#pragma once
// Chat prompt formats. The 2B4T model was trained on
// "System: ...<|eot_id|>User: ...<|eot_id|>Assistant: "; the template embedded in the official GGUF
// is a placeholder and is ignored.
#include <string>
#include <vector>

namespace tern {

struct ChatMessage {
    enum class Role { System, User, Assistant };
    Role role = Role::User;
    std::string content;
};

enum class ChatTemplate {
    BitNet2B,  // Llama-3 vocabulary models: "Role: content<|eot_id|>", BOS added by the tokenizer
    Plain,     // vocabularies without <|eot_id|>: "Role: content\n" lines
};

// Renders the conversation; with add_generation_prompt it ends with "Assistant: " (BitNet2B) or
// "Assistant:" (Plain). Contents are trimmed of surrounding whitespace. The result is meant to be
// tokenized with parse_special = true and add_bos = true.
std::string format_chat(const std::vector<ChatMessage>& messages, ChatTemplate tmpl,
                        bool add_generation_prompt);

const char* role_name(ChatMessage::Role role);  // "System", "User", "Assistant"

}  // namespace tern
