#include "server/sse.h"

namespace tern::server {

std::string json_text(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string sse_event(const nlohmann::ordered_json& j) {
    // An event ends at the first blank line and every line of it must start with "data:", so the
    // payload must be a single line: json_text escapes every control character inside strings.
    return "data: " + json_text(j) + "\n\n";
}

}  // namespace tern::server
