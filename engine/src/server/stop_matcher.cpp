#include "server/stop_matcher.h"

#include <algorithm>

namespace tern::server {

std::string StopMatcher::push(std::string_view text) {
    if (stopped_) return {};
    pending_ += text;
    // The earliest complete stop sequence ends the answer right before it.
    size_t first = std::string::npos;
    for (const auto& s : stops_)
        if (!s.empty()) first = std::min(first, pending_.find(s));
    if (first != std::string::npos) {
        stopped_ = true;
        std::string out = pending_.substr(0, first);
        pending_.clear();
        return out;
    }
    // Hold back the longest tail that is a proper prefix of some stop sequence. Stop sequences are
    // valid UTF-8, so such a tail starts on a character boundary and the release never splits one.
    size_t hold = 0;
    for (const auto& s : stops_) {
        if (s.empty()) continue;
        for (size_t n = std::min(s.size() - 1, pending_.size()); n > hold; --n) {
            if (std::string_view(pending_).substr(pending_.size() - n) == std::string_view(s).substr(0, n)) {
                hold = n;
                break;
            }
        }
    }
    std::string out = pending_.substr(0, pending_.size() - hold);
    pending_.erase(0, pending_.size() - hold);
    return out;
}

std::string StopMatcher::flush() {
    std::string out;
    out.swap(pending_);
    return out;
}

}  // namespace tern::server
