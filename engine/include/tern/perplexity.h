#pragma once
// Perplexity with llama.cpp's chunking, so figures compare with llama-perplexity: the text is
// tokenized once with BOS, cut into chunks of n_ctx tokens, each chunk's first token is set to
// BOS, and only the second half of each chunk is scored.
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "tern/session.h"

namespace tern {

struct PerplexityResult {
    int n_chunks = 0;
    int64_t n_scored = 0;
    double nll = 0;         // summed negative log-likelihood (nats)
    double ppl() const;     // exp(nll / n_scored)
};

// tokens: the whole text, BOS first. on_chunk(i, running ppl) after each chunk.
// Throws tern::Error when there are fewer than n_ctx tokens.
PerplexityResult perplexity(Session& session, std::span<const int32_t> tokens, int n_ctx,
                            const std::function<void(int, double)>& on_chunk = {},
                            const std::atomic<bool>* cancel = nullptr);

}  // namespace tern
