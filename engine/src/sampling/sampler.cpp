#include "tern/sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "tern/error.h"

namespace tern {
namespace {

using Candidate = std::pair<float, int32_t>;  // (logit, or probability after step 4; token id)

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// A strict total order (value descending, then id ascending). Ties are broken by id so that
// nth_element and sort pick the same set in the same order with every standard library.
bool before(const Candidate& a, const Candidate& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
}

// Uniform double in [0, 1) from the top 53 bits: unlike std::uniform_real_distribution its
// result is specified exactly, so a seed replays identically across toolchains.
double uniform01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// "" when lo <= v <= hi and v is finite (NaN fails every comparison).
std::string check_range(const char* name, double v, double lo, double hi, const char* range) {
    if (std::isfinite(v) && v >= lo && v <= hi) return "";
    return std::string(name) + " must be " + range + ", not " + number(v);
}

}  // namespace

std::string validate(const SamplerParams& p) {
    constexpr double kMax = std::numeric_limits<float>::max();
    for (const std::string& e : {
             check_range("temperature", p.temperature, 0, kMax, "a finite number >= 0 (0 = greedy)"),
             check_range("top-k", p.top_k, 0, INT32_MAX, "a whole number >= 0 (0 = off)"),
             check_range("top-p", p.top_p, 0, 1, "between 0 and 1 (1 = off)"),
             check_range("min-p", p.min_p, 0, 1, "between 0 and 1 (0 = off)"),
             check_range("repeat penalty", p.repeat_penalty, 0, kMax, "a finite number > 0 (1 = off)"),
             check_range("repeat window", p.repeat_last_n, -1, INT32_MAX, "a whole number >= -1 (-1 = all history)"),
             check_range("frequency penalty", p.frequency_penalty, -kMax, kMax, "a finite number (0 = off)"),
             check_range("presence penalty", p.presence_penalty, -kMax, kMax, "a finite number (0 = off)"),
         })
        if (!e.empty()) return e;
    if (p.repeat_penalty == 0) return "repeat penalty must be a finite number > 0 (1 = off), not 0";
    return "";
}

Sampler::Sampler(SamplerParams p) : params_(p), rng_(p.seed) {
    if (std::string e = validate(p); !e.empty()) throw Error("sampling: " + e);
}

void Sampler::reset() { rng_.seed(params_.seed); }

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> history) {
    if (logits.empty()) throw Error("sampler: empty logits");
    const auto n = static_cast<int32_t>(logits.size());

    // NaN would poison every comparison and the softmax, so it counts as "never pick". +inf is
    // clamped to the largest finite value so that (x - max) stays finite for it.
    candidates_.resize(logits.size());
    for (int32_t i = 0; i < n; ++i) {
        float x = logits[i];
        if (std::isnan(x)) x = kNegInf;
        else if (x > std::numeric_limits<float>::max()) x = std::numeric_limits<float>::max();
        candidates_[i] = {x, i};
    }

    // 1) Penalties on the tokens of the last repeat_last_n (a negative window: all history).
    // Repetition penalty once per distinct token (llama.cpp semantics: a token seen three times
    // is penalised like one seen once); OpenAI's frequency penalty per occurrence and presence
    // penalty once per distinct token, subtracted from the logit.
    const float penalty = params_.repeat_penalty;
    const bool repeat = penalty > 0.0f && penalty != 1.0f;
    const bool openai = params_.frequency_penalty != 0.0f || params_.presence_penalty != 0.0f;
    if ((repeat || openai) && params_.repeat_last_n != 0 && !history.empty()) {
        size_t window = history.size();
        if (params_.repeat_last_n > 0)
            window = std::min(window, static_cast<size_t>(params_.repeat_last_n));
        std::vector<int32_t> seen(history.end() - static_cast<std::ptrdiff_t>(window),
                                  history.end());
        std::sort(seen.begin(), seen.end());
        for (size_t i = 0; i < seen.size();) {
            const int32_t id = seen[i];
            size_t count = 1;
            while (i + count < seen.size() && seen[i + count] == id) ++count;
            i += count;
            if (id < 0 || id >= n) continue;  // stray ids in history are not our business
            float& x = candidates_[id].first;
            if (repeat) x = x > 0.0f ? std::min(x / penalty, std::numeric_limits<float>::max()) : x * penalty;
            if (openai && x != kNegInf)
                x = std::clamp(x - static_cast<float>(count) * params_.frequency_penalty - params_.presence_penalty,
                               std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max());
        }
    }

    // 2) Greedy: the first maximum wins, so ties go to the lowest id, and all -inf gives 0.
    if (!(params_.temperature > 0.0f)) {
        int32_t best = 0;
        for (int32_t i = 1; i < n; ++i)
            if (candidates_[i].first > candidates_[best].first) best = i;
        return best;
    }

    // 3) Top-k without sorting the vocabulary: a heap of k over one pass (partial_sort) is
    // fastest for the usual small k; a linear partition then a sort of the k wins for large k.
    bool sorted = false;
    if (params_.top_k > 0 && params_.top_k < n) {
        const auto kth = candidates_.begin() + params_.top_k;
        if (params_.top_k <= 2048) {
            std::partial_sort(candidates_.begin(), kth, candidates_.end(), before);
        } else {
            std::nth_element(candidates_.begin(), kth, candidates_.end(), before);
            std::sort(candidates_.begin(), kth, before);
        }
        candidates_.erase(kth, candidates_.end());
        sorted = true;
    }

    // The best candidate under the total order: the highest logit, lowest id among equals.
    Candidate top = candidates_.front();
    if (!sorted) top = *std::min_element(candidates_.begin(), candidates_.end(), before);
    const float max_logit = top.first;
    if (max_logit == kNegInf) return top.second;  // nothing is possible: deterministic argmax

    // 4) Softmax with temperature. Subtracting the max first keeps exp() in range; the sum is in
    // double so a 128k vocabulary of tiny terms does not lose precision.
    const float inv_t = 1.0f / params_.temperature;
    double sum = 0.0;
    for (auto& c : candidates_) {
        // The explicit cases avoid 0 * inf and -inf * 0 (NaN) at extreme temperatures.
        const float d = c.first - max_logit;
        c.first = d == 0.0f ? 1.0f : d == kNegInf ? 0.0f : std::exp(d * inv_t);
        sum += c.first;
    }
    const auto inv_sum = static_cast<float>(1.0 / sum);
    for (auto& c : candidates_) c.first *= inv_sum;
    const float max_prob = 1.0f * inv_sum;  // exp(0) for the top token

    // 6) Min-p, done before top-p: both keep a prefix of the probability order, so the order of
    // the two does not change the result, and filtering first shrinks what top-p has to sort.
    // Zero-probability tokens (underflow, -inf logits) are dropped here too: they can never win.
    // min_p is capped at 1 so that the top token always survives.
    const float min_keep = params_.min_p > 0.0f ? std::min(params_.min_p, 1.0f) * max_prob : 0.0f;
    std::erase_if(candidates_,
                  [&](const Candidate& c) { return !(c.first > 0.0f) || c.first < min_keep; });

    // 5) Top-p on the original softmax probabilities: smallest prefix reaching p, at least one.
    if (params_.top_p < 1.0f) {
        // Only the head of the order that holds mass p needs sorting, and it is usually short:
        // select growing heads in linear time until one is heavy enough, then sort just that.
        const size_t size = candidates_.size();
        size_t head = size;
        if (!sorted) {
            head = std::min<size_t>(size, 1024);
            for (;;) {
                if (head < size) {
                    const auto nth = candidates_.begin() + static_cast<std::ptrdiff_t>(head);
                    std::nth_element(candidates_.begin(), nth, candidates_.end(), before);
                }
                double mass = 0.0;
                for (size_t i = 0; i < head; ++i) mass += candidates_[i].first;
                if (mass >= params_.top_p || head == size) break;
                head = std::min(size, head * 4);
            }
            const auto end = candidates_.begin() + static_cast<std::ptrdiff_t>(head);
            std::sort(candidates_.begin(), end, before);
        }
        double cum = 0.0;
        size_t keep = 0;
        while (keep < head) {
            cum += candidates_[keep++].first;
            if (cum >= params_.top_p) break;
        }
        candidates_.resize(std::max<size_t>(keep, 1));
    }

    // 7) Draw from the renormalised survivors (the renormalisation is folded into the target).
    double total = 0.0;
    for (const auto& c : candidates_) total += c.first;
    const double target = uniform01(rng_) * total;
    double cum = 0.0;
    for (const auto& c : candidates_) {
        cum += c.first;
        if (cum > target) return c.second;
    }
    return candidates_.back().second;  // rounding left target at the very top
}

}  // namespace tern
