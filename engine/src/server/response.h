#pragma once
// The JSON bodies the server answers with, in OpenAI's shapes, plus the "tern" object that says
// what an answer cost.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/request.h"
#include "tern/generate.h"
#include "tern/model.h"

namespace tern::server {

// What every response and chunk of one completion repeats.
struct CompletionIds {
    Endpoint endpoint = Endpoint::ChatCompletions;
    std::string id;     // "chatcmpl-…" or "cmpl-…"
    int64_t created = 0;  // Unix seconds
    std::string model;
};

// The timings and estimates of one answer.
struct AnswerStats {
    GenerateResult result;
    double queue_ms = 0;   // waiting for a session
    double ttft_ms = 0;    // from the request's arrival to its first token
    uint64_t seed = 0;     // the sampler's, given or drawn: the same request with it gives the same answer
    std::string stop_reason;  // "eos", "stop_sequence", "max_tokens", "context_full", "shutdown"
};

// "stop" or "length", from AnswerStats::stop_reason.
const char* finish_reason(const std::string& stop_reason);

nlohmann::ordered_json usage_json(int prompt_tokens, int completion_tokens);
// TTFT, prefill and decode speed, and the ESTIMATED energy of the answer's decode per token and in
// all, for the model as loaded and for its FP16 baseline (tern::estimate_answer_joules).
nlohmann::ordered_json tern_json(const AnswerStats& s, const ModelInfo& info);

// A whole answer (not streamed).
nlohmann::ordered_json completion_json(const CompletionIds& ids, const std::string& text, const AnswerStats& s,
                               const ModelInfo& info);
// One chunk of a streamed answer: the first of a chat carries the role, the last the finish
// reason. With include_usage every chunk has "usage": null, as OpenAI sends them.
nlohmann::ordered_json chunk_json(const CompletionIds& ids, std::string_view text, bool first,
                          const char* finish_reason, bool include_usage);
// The chunk after the last one when include_usage is asked: no choices, the usage.
nlohmann::ordered_json usage_chunk_json(const CompletionIds& ids, const nlohmann::ordered_json& usage);

// A model as GET /v1/models lists it.
nlohmann::ordered_json model_json(const std::string& id, int64_t created, const ModelInfo& info, int n_ctx);

}  // namespace tern::server
