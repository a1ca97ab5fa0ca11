#pragma once
// Token sampling: greedy, temperature, top-k, top-p, min-p, repetition, frequency and presence
// penalties, seeded.
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace tern {

struct SamplerParams {
    float temperature = 0.8f;     // 0 means greedy (argmax, ties to the lowest id)
    int top_k = 40;               // 0 disables
    float top_p = 0.95f;          // 1 disables
    float min_p = 0.05f;          // 0 disables
    float repeat_penalty = 1.1f;  // 1 disables; applied to the last repeat_last_n tokens
    int repeat_last_n = 64;       // 0 disables, -1: the whole history
    uint64_t seed = 0;            // same seed, same logits -> same tokens
    // OpenAI's penalties over the same window: logit -= count x frequency_penalty, and
    // -= presence_penalty once for a token that appears at all. 0 disables.
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
};

// The check every front end (tern-cli, the app, a server) runs on sampling values a user gave:
// "" when they are usable, else a message naming the first bad one and its range. Each must be
// finite: temperature >= 0, top-k >= 0, top-p and min-p in [0, 1], repeat penalty > 0, repeat
// window >= -1, frequency and presence penalties finite. Sampler's constructor throws tern::Error
// with this message.
std::string validate(const SamplerParams& params);

class Sampler {
public:
    explicit Sampler(SamplerParams p);  // throws tern::Error unless validate(p) is ""
    // history: the tokens so far (prompt and generated), used by the repetition penalty.
    int32_t sample(std::span<const float> logits, std::span<const int32_t> history);
    // Back to the state right after construction (same seed, same sequence).
    void reset();
    const SamplerParams& params() const { return params_; }

private:
    SamplerParams params_;
    std::mt19937_64 rng_;
    std::vector<std::pair<float, int32_t>> candidates_;  // reused scratch
};

}  // namespace tern
