#pragma once
// Stop sequences over streamed text: text is released only once it cannot be the start of a stop
// sequence, so a client never sees part of one, even when it is split across tokens.
#include <string>
#include <string_view>
#include <vector>

namespace tern::server {

class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

    // Adds generated text; returns what can be shown now. After a stop sequence is found, returns
    // the text before it and stopped() is true (nothing is released after that).
    std::string push(std::string_view text);
    // What is still held back, at the end of the generation (empty after a stop).
    std::string flush();
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;
    std::string pending_;
    bool stopped_ = false;
};

}  // namespace tern::server
