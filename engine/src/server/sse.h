#pragma once
// Server-Sent Events framing of a streamed completion (what OpenAI's clients parse), and the one
// way the server turns JSON into text.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tern::server {

// Compact JSON. Invalid UTF-8 (a model may emit half a character, a parse error may quote one)
// becomes U+FFFD instead of an exception. Strings are escaped, so the text has no raw newline.
std::string json_text(const nlohmann::ordered_json& j);

// One event: "data: <json>\n\n".
std::string sse_event(const nlohmann::ordered_json& j);

// The event that ends every stream.
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

}  // namespace tern::server
