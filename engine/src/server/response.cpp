#include "server/response.h"

#include <algorithm>

#include "tern/profile.h"

namespace tern::server {

using json = nlohmann::ordered_json;

const char* finish_reason(const std::string& stop_reason) {
    return stop_reason == "eos" || stop_reason == "stop_sequence" ? "stop" : "length";
}

json usage_json(int prompt_tokens, int completion_tokens) {
    return {{"prompt_tokens", prompt_tokens},
            {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}};
}

json tern_json(const AnswerStats& s, const ModelInfo& info) {
    const GenerateResult& r = s.result;
    const EnergyModel em = energy_model();
    const int n = r.n_generated;
    auto answer = [&](Precision p) { return estimate_answer_joules(info, p, r.n_prompt, n, em); };
    // With no token decoded, the per-token figure is the next token's.
    auto per_token = [&](Precision p) {
        return n > 0 ? answer(p) / n : estimate_decode_energy(info, p, r.n_prompt + 1, em).total();
    };
    return {{"prompt_tokens_cached", r.n_reused},
            {"queue_ms", s.queue_ms},
            {"ttft_ms", s.ttft_ms},
            {"prefill_ms", r.prefill_ms},
            {"prefill_tokens_per_second", r.prefill_tokens_per_second()},
            {"decode_ms", r.decode_ms},
            {"decode_tokens_per_second", r.decode_tokens_per_second()},
            {"stop_reason", s.stop_reason},
            {"seed", s.seed},
            {"estimated_joules_per_token", per_token(info.precision)},
            {"estimated_joules", answer(info.precision)},
            {"fp16_estimated_joules_per_token", per_token(Precision::Fp16)},
            {"fp16_estimated_joules", answer(Precision::Fp16)},
            {"energy_model", em.source},
            {"backend", info.backend}};
}

namespace {

json envelope(const CompletionIds& ids, bool chunk) {
    const bool chat = ids.endpoint == Endpoint::ChatCompletions;
    return {{"id", ids.id},
            {"object", chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion"},
            {"created", ids.created},
            {"model", ids.model}};
}

json finish(const char* reason) { return reason ? json(reason) : json(nullptr); }

}  // namespace

json completion_json(const CompletionIds& ids, const std::string& text, const AnswerStats& s, const ModelInfo& info) {
    json out = envelope(ids, false);
    json choice = {{"index", 0}};
    if (ids.endpoint == Endpoint::ChatCompletions)
        choice["message"] = {{"role", "assistant"}, {"content", text}};
    else
        choice["text"] = text;
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = finish_reason(s.stop_reason);
    out["choices"] = json::array({choice});
    out["usage"] = usage_json(s.result.n_prompt, s.result.n_generated);
    out["tern"] = tern_json(s, info);
    return out;
}

json chunk_json(const CompletionIds& ids, std::string_view text, bool first, const char* finish_reason,
                bool include_usage) {
    json out = envelope(ids, true);
    json choice = {{"index", 0}};
    if (ids.endpoint == Endpoint::ChatCompletions) {
        json delta = json::object();
        if (first) delta["role"] = "assistant";
        if (!text.empty() || (first && !finish_reason)) delta["content"] = std::string(text);
        choice["delta"] = delta;
    } else {
        choice["text"] = std::string(text);
    }
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = finish(finish_reason);
    out["choices"] = json::array({choice});
    if (include_usage) out["usage"] = nullptr;
    return out;
}

json usage_chunk_json(const CompletionIds& ids, const json& usage) {
    json out = envelope(ids, true);
    out["choices"] = json::array();
    out["usage"] = usage;
    return out;
}

json model_json(const std::string& id, int64_t created, const ModelInfo& info, int n_ctx) {
    return {{"id", id},
            {"object", "model"},
            {"created", created},
            {"owned_by", "tern"},
            {"tern",
             {{"name", info.name},
              {"architecture", info.arch},
              {"ternary_type", info.ternary_type},
              {"parameters", info.parameters},
              {"context_length", n_ctx},
              {"precision", precision_name(info.precision)},
              {"head_type", info.head_type},
              {"kv_type", kv_type_name(info.kv_type)},
              {"backend", info.backend}}}};
}

}  // namespace tern::server
