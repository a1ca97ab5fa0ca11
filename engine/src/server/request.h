#pragma once
// The body of POST /v1/chat/completions and /v1/completions, parsed and checked field by field.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tern/chat.h"
#include "tern/sampler.h"

namespace tern::server {

enum class Endpoint { ChatCompletions, Completions };

struct CompletionRequest {
    Endpoint endpoint = Endpoint::ChatCompletions;
    std::string model;                  // "" when not given
    std::vector<ChatMessage> messages;  // chat completions
    std::string prompt;                 // completions
    int max_tokens = -1;                // -1: not given (chat: up to the context; completions: 16)
    SamplerParams sampling;             // the engine's defaults for whatever is not given
    bool seed_given = false;            // else the server draws one per request
    std::vector<std::string> stop;      // stop sequences, at most kMaxStops
    bool stream = false;
    bool include_usage = false;         // stream_options.include_usage
};

inline constexpr size_t kMaxStops = 4;          // as OpenAI
inline constexpr size_t kMaxStopBytes = 256;    // each; held back while they might still match
inline constexpr int kDefaultCompletionTokens = 16;  // OpenAI's default for /v1/completions

// Parses a request body and validates every field it reads: the JSON type, the range (OpenAI's
// where it sets one, e.g. temperature in [0, 2]), and that no unsupported feature (n > 1, tools,
// logprobs, ...) is asked for. Fields it does not know are ignored, as clients send many.
// Throws ApiError (400) naming the field.
CompletionRequest parse_completion_request(std::string_view body, Endpoint endpoint);

// The engine's ranges for sampling values: "" when usable, else what is wrong. The same check
// tern-cli and the app run (tern::validate in tern/sampler.h).
std::string check_sampler_params(const SamplerParams& p);

}  // namespace tern::server
