#pragma once
// The generation loop shared by the CLI and the app: reuse the cached prefix, prefill the rest,
// then sample token by token, streaming complete UTF-8 text.
#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "tern/sampler.h"
#include "tern/session.h"

namespace tern {

struct GenerateOptions {
    int max_tokens = 256;
    SamplerParams sampling;
    bool stop_at_end_of_generation = true;  // EOS / <|eot_id|>
};

// The check every front end runs on generation options a user gave: "" when usable, else a
// message (max_tokens >= 0, then validate(sampling)). generate() throws tern::Error with it.
std::string validate(const GenerateOptions& options);

struct GenerateResult {
    int n_prompt = 0;        // prompt tokens
    int n_reused = 0;        // of which were already in the KV cache
    int n_generated = 0;     // sampled tokens (the stop token counts)
    double prefill_ms = 0;   // evaluating the new prompt tokens
    double ttft_ms = 0;      // from the call to the first token's text being ready
    double decode_ms = 0;    // from the first sampled token to the last
    std::string stop_reason; // "eog", "max_tokens", "context_full", "stopped", "cancelled"

    double prefill_tokens_per_second() const;
    double decode_tokens_per_second() const;  // tokens after the first, over decode_ms
};

// on_token(text, id): text is what became printable with this token (may be empty); return false
// to stop. cancel is checked between tokens and prefill batches.
GenerateResult generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                        const std::function<bool(std::string_view text, int32_t id)>& on_token,
                        const std::atomic<bool>* cancel = nullptr);

}  // namespace tern
