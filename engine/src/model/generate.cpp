#include "tern/generate.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "tern/error.h"

namespace tern {
namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
}  // namespace

double GenerateResult::prefill_tokens_per_second() const {
    const int n = n_prompt - n_reused;
    return prefill_ms > 0 ? n * 1000.0 / prefill_ms : 0.0;
}

double GenerateResult::decode_tokens_per_second() const {
    return decode_ms > 0 && n_generated > 1 ? (n_generated - 1) * 1000.0 / decode_ms : 0.0;
}

std::string validate(const GenerateOptions& o) {
    if (o.max_tokens < 0) return "the answer length must not be negative, not " + std::to_string(o.max_tokens);
    return validate(o.sampling);
}

GenerateResult generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                        const std::function<bool(std::string_view, int32_t)>& on_token,
                        const std::atomic<bool>* cancel) {
    if (std::string e = validate(options); !e.empty()) throw Error(e);
    GenerateResult r;
    const auto start = Clock::now();
    if (prompt.empty()) throw Error("the prompt is empty");
    r.n_prompt = static_cast<int>(prompt.size());

    // Keep the longest common prefix of the cache and the prompt; at least one prompt token is
    // evaluated so there are logits to sample from.
    const auto& cached = session.tokens();
    size_t common = 0;
    while (common < cached.size() && common + 1 < prompt.size() && cached[common] == prompt[common]) ++common;
    session.trim(static_cast<int>(common));
    r.n_reused = static_cast<int>(common);
    if (static_cast<int>(prompt.size()) >= session.n_ctx())
        throw Error("the prompt (" + std::to_string(prompt.size()) + " tokens) does not fit the context of " +
                    std::to_string(session.n_ctx()) + " tokens");

    std::span<const float> logits;
    try {
        logits = session.eval(prompt.subspan(common), nullptr, cancel);
    } catch (const Cancelled&) {
        r.prefill_ms = ms_since(start);
        r.stop_reason = "cancelled";
        return r;
    }
    r.prefill_ms = ms_since(start);

    Sampler sampler(options.sampling);
    const Tokenizer& tok = session.model().tokenizer();
    StreamDecoder decoder(tok);
    std::vector<int32_t> history(session.tokens());
    Clock::time_point first_token_time{};
    r.stop_reason = "max_tokens";
    for (int i = 0; i < options.max_tokens; ++i) {
        if (cancel && cancel->load()) {
            r.stop_reason = "cancelled";
            break;
        }
        const int32_t id = sampler.sample(logits, history);
        ++r.n_generated;
        if (r.n_generated == 1) {
            first_token_time = Clock::now();
            r.ttft_ms = ms_since(start);
        }
        history.push_back(id);
        if (options.stop_at_end_of_generation && tok.is_end_of_generation(id)) {
            r.stop_reason = "eog";
            break;
        }
        if (!on_token(decoder.push(id), id)) {
            r.stop_reason = "stopped";
            break;
        }
        if (i + 1 == options.max_tokens) break;
        if (session.n_past() >= session.n_ctx()) {
            r.stop_reason = "context_full";
            break;
        }
        const int32_t one[] = {id};
        logits = session.eval(one);
    }
    if (const std::string rest = decoder.flush(); !rest.empty()) on_token(rest, -1);
    if (r.n_generated > 0) r.decode_ms = ms_since(first_token_time);
    return r;
}

}  // namespace tern
