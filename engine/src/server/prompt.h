#pragma once
// A request's prompt as token ids.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tern/chat.h"
#include "tern/tokenizer.h"

namespace tern::server {

// The conversation in the model's chat format, ending with the assistant's turn. Each message's
// text is tokenized as plain text: a "<|eot_id|>" a client sends stays text and cannot end a
// turn. For text without control tokens the ids are those of tokenizing format_chat()'s string
// with parse_special, as tern-cli and the app do.
std::vector<int32_t> chat_prompt_tokens(const Tokenizer& tok, ChatTemplate tmpl, const std::vector<ChatMessage>& messages);

// A raw completion prompt: BOS when the vocabulary wants it, then the text as plain text.
std::vector<int32_t> completion_prompt_tokens(const Tokenizer& tok, std::string_view prompt);

}  // namespace tern::server
