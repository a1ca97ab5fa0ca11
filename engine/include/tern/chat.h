#pragma once
// Chat prompt formats. The 2B4T model was trained on
// "System: ...<|eot_id|>User: ...<|eot_id|>Assistant: "; the template embedded in the official GGUF
// is a placeholder and is ignored.
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
    Llama3,    // "<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>" (Llama3-8B-1.58)
    ChatML,    // "<|im_start|>role\ncontent<|im_end|>\n" (Qwen3, Ternary-Bonsai)
    Falcon3,   // "<|role|>\ncontent\n" (Falcon3 / Falcon-E Instruct)
};

// Renders the conversation; with add_generation_prompt it ends with the assistant's opening
// ("Assistant: " for BitNet2B, "Assistant:" for Plain, the header / tag of the others). Contents
// are trimmed of surrounding whitespace. The result is meant to be tokenized with
// parse_special = true and add_bos = true (the tokenizer adds a BOS only where the vocabulary has one).
std::string format_chat(const std::vector<ChatMessage>& messages, ChatTemplate tmpl,
                        bool add_generation_prompt);

// The template family of a file's tokenizer.chat_template (Jinja text), recognised by its markers
// as llama.cpp's built-in detection does: <|im_start|> -> ChatML; <|start_header_id|> and
// <|end_header_id|> -> Llama3; <|user|> and <|assistant|> -> Falcon3; "Assistant: " with
// <|eot_id|> (the 2B4T format) -> BitNet2B. nullopt when no known marker is there (or no template).
std::optional<ChatTemplate> recognise_chat_template(std::string_view jinja);
// What runs when nothing is recognised: BitNet2B when the vocabulary has <|eot_id|> (has_eot), else Plain.
ChatTemplate default_chat_template(bool has_eot);
// recognise_chat_template, else default_chat_template.
ChatTemplate detect_chat_template(std::string_view jinja, bool has_eot);

// Every template format_chat renders: its name (tern-cli's --chat-template, the app's per-model
// override) and its title for people.
struct ChatTemplateName {
    ChatTemplate value;
    const char* name;   // "bitnet", "plain", "llama3", "chatml", "falcon3"
    const char* title;  // "BitNet 2B4T", "Plain", "Llama 3", "ChatML", "Falcon 3"
};
std::span<const ChatTemplateName> chat_template_names();

const char* chat_template_name(ChatTemplate t);
const char* chat_template_title(ChatTemplate t);
// The template of a name chat_template_name gives (a per-model override); nullopt for others.
std::optional<ChatTemplate> chat_template_from_name(std::string_view name);

const char* role_name(ChatMessage::Role role);  // "System", "User", "Assistant"

}  // namespace tern
