// libFuzzer target: untrusted bytes as the body of POST /v1/chat/completions or /v1/completions
// (the first byte picks the endpoint). The parser must either accept the body with every field in
// range or refuse it with a 400 whose JSON can be written; never crash, hang or throw anything
// else. What it accepts then goes through the stop-sequence matcher and the chunk builder, which
// must keep their contracts on any text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_error.h"
#include "server/request.h"
#include "server/response.h"
#include "server/sse.h"
#include "server/stop_matcher.h"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// Feeds text to a StopMatcher in pieces. What it shows is a prefix of the text without any stop
// sequence in it; when it stops, a stop sequence follows what it showed; otherwise all was shown.
void check_stops(const std::vector<std::string>& stops, const std::string& text) {
    tern::server::StopMatcher m(stops);
    std::string shown;
    for (size_t i = 0; i < text.size(); i += 3) shown += m.push(std::string_view(text).substr(i, 3));
    if (!m.stopped()) shown += m.flush();
    check(text.compare(0, shown.size(), shown) == 0);
    bool follows = false;
    for (const auto& s : stops) {
        check(shown.find(s) == std::string::npos);
        follows = follows || text.compare(shown.size(), s.size(), s) == 0;
    }
    check(m.stopped() ? follows : shown == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    using namespace tern::server;
    const Endpoint endpoint = data[0] & 1 ? Endpoint::Completions : Endpoint::ChatCompletions;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const CompletionRequest r = parse_completion_request(body, endpoint);
        check(check_sampler_params(r.sampling).empty());
        check(r.max_tokens == -1 || r.max_tokens >= 1);
        check(r.stop.size() <= kMaxStops);
        for (const auto& s : r.stop) check(!s.empty() && s.size() <= kMaxStopBytes);
        check(r.include_usage <= r.stream);
        check(endpoint == Endpoint::Completions ? r.messages.empty() : !r.messages.empty());
        const std::string text = endpoint == Endpoint::Completions ? r.prompt : r.messages.back().content;
        check_stops(r.stop, text);
        const CompletionIds ids{endpoint, "id", 0, r.model};
        const std::string event = sse_event(chunk_json(ids, text, true, nullptr, r.include_usage));
        check(event.find('\n') == event.size() - 2);
    } catch (const ApiError& e) {
        check(e.status == 400);
        check(!json_text(e.body()).empty());
    }
    return 0;
}
