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

namespace {

// The role as the tag-style templates spell it.
const char* role_tag(ChatMessage::Role role) {
    switch (role) {
        case ChatMessage::Role::System: return "system";
        case ChatMessage::Role::Assistant: return "assistant";
        default: return "user";
    }
}

// One turn and the assistant's opening, for each template.
void append_turn(std::string& out, ChatTemplate tmpl, ChatMessage::Role role, std::string_view content) {
    switch (tmpl) {
        case ChatTemplate::BitNet2B:
        case ChatTemplate::Plain:
            // Each turn ends with <|eot_id|> (the token the model emits when done) or, for
            // vocabularies without it, a newline.
            out += role_name(role);
            out += ": ";
            out += content;
            out += tmpl == ChatTemplate::BitNet2B ? "<|eot_id|>" : "\n";
            return;
        case ChatTemplate::Llama3:
            out += "<|start_header_id|>";
            out += role_tag(role);
            out += "<|end_header_id|>\n\n";
            out += content;
            out += "<|eot_id|>";
            return;
        case ChatTemplate::ChatML:
            out += "<|im_start|>";
            out += role_tag(role);
            out += "\n";
            out += content;
            out += "<|im_end|>\n";
            return;
        case ChatTemplate::Falcon3:
            out += "<|";
            out += role_tag(role);
            out += "|>\n";
            out += content;
            out += "\n";
            return;
    }
}

const char* generation_prompt(ChatTemplate tmpl) {
    switch (tmpl) {
        case ChatTemplate::BitNet2B: return "Assistant: ";  // the trailing space is 2B4T's format
        case ChatTemplate::Plain: return "Assistant:";
        case ChatTemplate::Llama3: return "<|start_header_id|>assistant<|end_header_id|>\n\n";
        case ChatTemplate::ChatML: return "<|im_start|>assistant\n";
        case ChatTemplate::Falcon3: return "<|assistant|>\n";
    }
    return "";
}

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

}  // namespace

std::string format_chat(const std::vector<ChatMessage>& messages, ChatTemplate tmpl,
                        bool add_generation_prompt) {
    std::string out;
    for (const auto& m : messages) {
        const std::string_view content = trim(m.content);
        // An empty system prompt means "no system prompt", not an empty turn.
        if (m.role == ChatMessage::Role::System && content.empty()) continue;
        append_turn(out, tmpl, m.role, content);
    }
    if (add_generation_prompt) out += generation_prompt(tmpl);
    return out;
}

std::optional<ChatTemplate> recognise_chat_template(std::string_view t) {
    if (contains(t, "<|im_start|>")) return ChatTemplate::ChatML;
    if (contains(t, "<|start_header_id|>") && contains(t, "<|end_header_id|>")) return ChatTemplate::Llama3;
    if (contains(t, "<|user|>") && contains(t, "<|assistant|>")) return ChatTemplate::Falcon3;
    if (contains(t, "Assistant: ") && contains(t, "<|eot_id|>")) return ChatTemplate::BitNet2B;
    return std::nullopt;
}

ChatTemplate default_chat_template(bool has_eot) { return has_eot ? ChatTemplate::BitNet2B : ChatTemplate::Plain; }

ChatTemplate detect_chat_template(std::string_view t, bool has_eot) {
    return recognise_chat_template(t).value_or(default_chat_template(has_eot));
}

namespace {
constexpr ChatTemplateName kTemplateNames[] = {
    {ChatTemplate::BitNet2B, "bitnet", "BitNet 2B4T"},
    {ChatTemplate::Plain, "plain", "Plain"},
    {ChatTemplate::Llama3, "llama3", "Llama 3"},
    {ChatTemplate::ChatML, "chatml", "ChatML"},
    {ChatTemplate::Falcon3, "falcon3", "Falcon 3"},
};
const ChatTemplateName& entry(ChatTemplate t) {
    for (const ChatTemplateName& n : kTemplateNames)
        if (n.value == t) return n;
    return kTemplateNames[1];  // unreachable for valid enum values
}
}  // namespace

std::span<const ChatTemplateName> chat_template_names() { return kTemplateNames; }

const char* chat_template_name(ChatTemplate t) { return entry(t).name; }
const char* chat_template_title(ChatTemplate t) { return entry(t).title; }

std::optional<ChatTemplate> chat_template_from_name(std::string_view name) {
    for (const ChatTemplateName& n : kTemplateNames)
        if (name == n.name) return n.value;
    return std::nullopt;
}

}  // namespace tern
