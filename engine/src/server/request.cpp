#include "server/request.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "server/api_error.h"

namespace tern::server {
namespace {

using json = nlohmann::json;

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

std::string type_name(const json& v) {
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    return v.type_name();  // "string", "boolean", "array", "object", "null"
}

ApiError wrong_type(const std::string& param, const char* expected, const json& v) {
    return bad_field(param, "'" + param + "' must be " + expected + ", not " + type_name(v));
}

// A field that is absent or null reads as "not given", as OpenAI treats null.
const json* field(const json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::optional<double> number(const json& j, const char* key, double lo, double hi) {
    const json* v = field(j, key);
    if (!v) return std::nullopt;
    if (!v->is_number()) throw wrong_type(key, "a number", *v);
    const double x = v->get<double>();
    // JSON has no NaN or infinity (the parser refuses 1e999), but a range check costs nothing.
    if (!std::isfinite(x) || x < lo || x > hi)
        throw bad_field(key, "'" + std::string(key) + "' must be between " + json(lo).dump() + " and " +
                                 json(hi).dump() + ", not " + v->dump());
    return x;
}

std::optional<int64_t> integer(const json& j, const char* key, int64_t lo, int64_t hi) {
    const json* v = field(j, key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) throw wrong_type(key, "an integer", *v);
    // nlohmann keeps every non-negative integer as unsigned, which may exceed int64_t.
    const bool in_range = v->is_number_unsigned()
                              ? v->get<uint64_t>() <= static_cast<uint64_t>(hi) &&
                                    (lo <= 0 || v->get<uint64_t>() >= static_cast<uint64_t>(lo))
                              : v->get<int64_t>() >= lo && v->get<int64_t>() <= hi;
    if (!in_range)
        throw bad_field(key, "'" + std::string(key) + "' must be between " + std::to_string(lo) + " and " +
                                 std::to_string(hi) + ", not " + v->dump());
    return v->is_number_unsigned() ? static_cast<int64_t>(v->get<uint64_t>()) : v->get<int64_t>();
}

std::optional<bool> boolean(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) throw wrong_type(key, "a boolean", *v);
    return v->get<bool>();
}

std::optional<std::string> string(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw wrong_type(key, "a string", *v);
    return v->get<std::string>();
}

ApiError unsupported(const std::string& param, const std::string& what) {
    return ApiError(400, what + " is not supported by this server", param, "unsupported_parameter");
}

// Features that would change what the answer means if silently ignored.
void refuse_unsupported(const json& j) {
    if (const auto n = integer(j, "n", 1, kIntMax); n && *n != 1) throw unsupported("n", "n > 1 (several choices)");
    if (const json* v = field(j, "best_of"); v && !(v->is_number_integer() && v->get<int64_t>() == 1))
        throw unsupported("best_of", "best_of");
    // A boolean in chat completions, a count in completions: false and 0 mean "none".
    if (const json* v = field(j, "logprobs"); v && *v != false && *v != 0) throw unsupported("logprobs", "logprobs");
    if (field(j, "top_logprobs")) throw unsupported("top_logprobs", "top_logprobs");
    if (boolean(j, "echo").value_or(false)) throw unsupported("echo", "echo");
    if (const json* v = field(j, "suffix"); v && !(v->is_string() && v->get<std::string>().empty()))
        throw unsupported("suffix", "suffix (insertion)");
    if (const json* v = field(j, "logit_bias"); v && !(v->is_object() && v->empty()))
        throw unsupported("logit_bias", "logit_bias");
    for (const char* key : {"tools", "functions"})
        if (const json* v = field(j, key); v && !(v->is_array() && v->empty())) throw unsupported(key, key);
    for (const char* key : {"tool_choice", "function_call"})
        if (const json* v = field(j, key); v && *v != "none") throw unsupported(key, key);
    if (const json* v = field(j, "response_format")) {
        if (!v->is_object()) throw wrong_type("response_format", "an object", *v);
        const auto type = string(*v, "type");
        if (type && *type != "text") throw unsupported("response_format", "response_format " + *type);
    }
}

ChatMessage::Role parse_role(const json& m, const std::string& where) {
    const json* v = field(m, "role");
    if (!v) throw bad_field(where + ".role", "'" + where + ".role' is required");
    if (!v->is_string()) throw wrong_type(where + ".role", "a string", *v);
    const std::string& role = v->get_ref<const std::string&>();
    if (role == "system" || role == "developer") return ChatMessage::Role::System;
    if (role == "user") return ChatMessage::Role::User;
    if (role == "assistant") return ChatMessage::Role::Assistant;
    if (role == "tool" || role == "function")
        throw unsupported(where + ".role", "a '" + role + "' message (tool calling)");
    throw bad_field(where + ".role", "'" + where + ".role' must be system, developer, user or assistant, not " +
                                         v->dump(-1, ' ', false, json::error_handler_t::replace));
}

// A string, or an array of {"type": "text", "text": ...} parts, which are concatenated.
// Only an assistant message may have no content (OpenAI's tool-call turns), read as "".
std::string parse_content(const json& m, const std::string& where, ChatMessage::Role role) {
    const std::string key = where + ".content";
    const json* v = field(m, "content");
    if (!v) {
        if (role == ChatMessage::Role::Assistant) return {};
        throw bad_field(key, "'" + key + "' is required");
    }
    if (v->is_string()) return v->get<std::string>();
    if (!v->is_array()) throw wrong_type(key, "a string or an array of text parts", *v);
    std::string text;
    for (size_t i = 0; i < v->size(); ++i) {
        const json& part = (*v)[i];
        const std::string at = key + "[" + std::to_string(i) + "]";
        if (!part.is_object()) throw wrong_type(at, "an object", part);
        const auto type = string(part, "type");
        if (!type) throw bad_field(at + ".type", "'" + at + ".type' is required");
        if (*type != "text") throw unsupported(at + ".type", "a '" + *type + "' content part");
        const auto t = string(part, "text");
        if (!t) throw bad_field(at + ".text", "'" + at + ".text' is required");
        text += *t;
    }
    return text;
}

std::vector<ChatMessage> parse_messages(const json& j) {
    const json* v = field(j, "messages");
    if (!v) throw bad_field("messages", "'messages' is required");
    if (!v->is_array()) throw wrong_type("messages", "an array", *v);
    if (v->empty()) throw bad_field("messages", "'messages' must not be empty");
    std::vector<ChatMessage> out;
    out.reserve(v->size());
    for (size_t i = 0; i < v->size(); ++i) {
        const json& m = (*v)[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object()) throw wrong_type(where, "an object", m);
        ChatMessage msg;
        msg.role = parse_role(m, where);
        msg.content = parse_content(m, where, msg.role);
        out.push_back(std::move(msg));
    }
    return out;
}

std::string parse_prompt(const json& j) {
    const json* v = field(j, "prompt");
    if (!v) throw bad_field("prompt", "'prompt' is required");
    if (v->is_string()) return v->get<std::string>();
    if (v->is_array() && v->size() == 1 && (*v)[0].is_string()) return (*v)[0].get<std::string>();
    if (v->is_array() && !v->empty() && (*v)[0].is_string()) throw unsupported("prompt", "more than one prompt");
    if (v->is_array() && !v->empty() && (*v)[0].is_number_integer()) throw unsupported("prompt", "a prompt of token ids");
    throw wrong_type("prompt", "a string", *v);
}

std::vector<std::string> parse_stop(const json& j) {
    const json* v = field(j, "stop");
    if (!v) return {};
    std::vector<std::string> stops;
    if (v->is_string()) {
        stops.push_back(v->get<std::string>());
    } else if (v->is_array()) {
        if (v->size() > kMaxStops)
            throw bad_field("stop", "'stop' may hold at most " + std::to_string(kMaxStops) + " sequences, not " +
                                        std::to_string(v->size()));
        for (const json& s : *v) {
            if (!s.is_string()) throw wrong_type("stop", "a string or an array of strings", s);
            stops.push_back(s.get<std::string>());
        }
    } else {
        throw wrong_type("stop", "a string or an array of strings", *v);
    }
    for (const auto& s : stops) {
        if (s.empty()) throw bad_field("stop", "'stop' sequences must not be empty");
        if (s.size() > kMaxStopBytes)
            throw bad_field("stop", "'stop' sequences must be at most " + std::to_string(kMaxStopBytes) + " bytes");
    }
    return stops;
}

// Every field this server reads, each checked where it is read.
CompletionRequest read_request_fields(const json& j, Endpoint endpoint) {
    CompletionRequest r;
    r.endpoint = endpoint;
    refuse_unsupported(j);
    r.model = string(j, "model").value_or("");
    string(j, "user");  // accepted and ignored, but it must be a string
    if (endpoint == Endpoint::ChatCompletions) r.messages = parse_messages(j);
    else r.prompt = parse_prompt(j);

    const auto max_tokens = integer(j, "max_tokens", 1, kIntMax);
    const auto max_completion_tokens = integer(j, "max_completion_tokens", 1, kIntMax);
    if (const auto n = max_completion_tokens ? max_completion_tokens : max_tokens) r.max_tokens = static_cast<int>(*n);

    SamplerParams& s = r.sampling;
    if (const auto v = number(j, "temperature", 0, 2)) s.temperature = static_cast<float>(*v);
    if (const auto v = number(j, "top_p", 0, 1)) s.top_p = static_cast<float>(*v);
    if (const auto v = integer(j, "top_k", 0, kIntMax)) s.top_k = static_cast<int>(*v);
    if (const auto v = number(j, "min_p", 0, 1)) s.min_p = static_cast<float>(*v);
    if (const auto v = number(j, "repeat_penalty", 0, 1e6)) {
        if (*v == 0) throw bad_field("repeat_penalty", "'repeat_penalty' must be greater than 0 (1 is off)");
        s.repeat_penalty = static_cast<float>(*v);
    }
    if (const auto v = integer(j, "repeat_last_n", -1, kIntMax)) s.repeat_last_n = static_cast<int>(*v);
    if (const auto v = number(j, "frequency_penalty", -2, 2)) s.frequency_penalty = static_cast<float>(*v);
    if (const auto v = number(j, "presence_penalty", -2, 2)) s.presence_penalty = static_cast<float>(*v);
    if (const json* v = field(j, "seed")) {
        if (!v->is_number_integer()) throw wrong_type("seed", "an integer", *v);
        s.seed = v->is_number_unsigned() ? v->get<uint64_t>() : static_cast<uint64_t>(v->get<int64_t>());
        r.seed_given = true;
    }
    r.stop = parse_stop(j);

    r.stream = boolean(j, "stream").value_or(false);
    if (const json* v = field(j, "stream_options")) {
        if (!r.stream) throw bad_field("stream_options", "'stream_options' is only allowed when 'stream' is true");
        if (!v->is_object()) throw wrong_type("stream_options", "an object", *v);
        if (const json* u = field(*v, "include_usage")) {
            if (!u->is_boolean()) throw wrong_type("stream_options.include_usage", "a boolean", *u);
            r.include_usage = u->get<bool>();
        }
    }
    if (const std::string why = check_sampler_params(s); !why.empty()) throw bad_field("", why);
    return r;
}

}  // namespace

std::string check_sampler_params(const SamplerParams& p) { return validate(p); }

CompletionRequest parse_completion_request(std::string_view body, Endpoint endpoint) {
    json j;
    try {
        j = json::parse(body);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
        // nlohmann's message says where ("... at line 1, column 7: syntax error ..."), then quotes
        // what it read, which can be most of the body: keep the start.
        std::string what = e.what();
        if (what.size() > 300) what = what.substr(0, 300) + "...";
        throw ApiError(400, "the request body is not valid JSON: " + what, "", "invalid_json");
    }
    if (!j.is_object()) throw ApiError(400, "the request body must be a JSON object, not " + type_name(j), "", "invalid_json");
    return read_request_fields(j, endpoint);
}

}  // namespace tern::server
