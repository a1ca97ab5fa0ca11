// The server's request parser: every field it reads, wrong types, huge values, unicode, and the
// OpenAI error each bad request gets.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/request.h"

namespace tern::server {
namespace {

using json = nlohmann::json;

CompletionRequest chat(const json& body) { return parse_completion_request(body.dump(), Endpoint::ChatCompletions); }
CompletionRequest completion(const json& body) { return parse_completion_request(body.dump(), Endpoint::Completions); }

json hello(json extra = json::object()) {
    json j = {{"model", "m"}, {"messages", {{{"role", "user"}, {"content", "Hello"}}}}};
    j.update(extra);
    return j;
}

// The error a body gets; fails the test if it is accepted.
ApiError error_of_body(std::string_view body, Endpoint endpoint = Endpoint::ChatCompletions) {
    try {
        parse_completion_request(body, endpoint);
    } catch (const ApiError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted: " << body;
    return ApiError(0, "");
}
ApiError error_of(const json& body, Endpoint endpoint = Endpoint::ChatCompletions) {
    return error_of_body(body.dump(), endpoint);
}

TEST(ServerRequest, ChatMessagesAndDefaults) {
    const CompletionRequest r = chat({{"model", "tern"},
                                      {"messages",
                                       {{{"role", "system"}, {"content", "Be brief."}},
                                        {{"role", "user"}, {"content", "Hi"}},
                                        {{"role", "assistant"}, {"content", "Hello!"}},
                                        {{"role", "developer"}, {"content", "Newer name of system"}},
                                        {{"role", "user"}, {"content", "Again"}}}}});
    EXPECT_EQ(r.endpoint, Endpoint::ChatCompletions);
    EXPECT_EQ(r.model, "tern");
    ASSERT_EQ(r.messages.size(), 5u);
    EXPECT_EQ(r.messages[0].role, ChatMessage::Role::System);
    EXPECT_EQ(r.messages[1].role, ChatMessage::Role::User);
    EXPECT_EQ(r.messages[2].role, ChatMessage::Role::Assistant);
    EXPECT_EQ(r.messages[2].content, "Hello!");
    EXPECT_EQ(r.messages[3].role, ChatMessage::Role::System);
    // Nothing else given: the engine's sampling defaults, no limit, not streamed.
    const SamplerParams d;
    EXPECT_EQ(r.sampling.temperature, d.temperature);
    EXPECT_EQ(r.sampling.top_k, d.top_k);
    EXPECT_EQ(r.sampling.top_p, d.top_p);
    EXPECT_EQ(r.sampling.min_p, d.min_p);
    EXPECT_EQ(r.sampling.repeat_penalty, d.repeat_penalty);
    EXPECT_EQ(r.sampling.seed, d.seed);
    EXPECT_EQ(r.max_tokens, -1);
    EXPECT_FALSE(r.stream);
    EXPECT_FALSE(r.include_usage);
    EXPECT_TRUE(r.stop.empty());
}

TEST(ServerRequest, EverySamplingField) {
    const CompletionRequest r = chat(hello({{"max_tokens", 7},
                                            {"temperature", 0},
                                            {"top_p", 0.5},
                                            {"top_k", 12},
                                            {"min_p", 0.1},
                                            {"repeat_penalty", 1.3},
                                            {"repeat_last_n", -1},
                                            {"frequency_penalty", -2},
                                            {"presence_penalty", 2},
                                            {"seed", 42},
                                            {"n", 1},
                                            {"user", "someone"}}));
    EXPECT_EQ(r.max_tokens, 7);
    EXPECT_EQ(r.sampling.temperature, 0.0f);
    EXPECT_FLOAT_EQ(r.sampling.top_p, 0.5f);
    EXPECT_EQ(r.sampling.top_k, 12);
    EXPECT_FLOAT_EQ(r.sampling.min_p, 0.1f);
    EXPECT_FLOAT_EQ(r.sampling.repeat_penalty, 1.3f);
    EXPECT_EQ(r.sampling.repeat_last_n, -1);
    EXPECT_EQ(r.sampling.frequency_penalty, -2.0f);
    EXPECT_EQ(r.sampling.presence_penalty, 2.0f);
    EXPECT_EQ(r.sampling.seed, 42u);
    EXPECT_TRUE(r.seed_given);
    EXPECT_FALSE(chat(hello()).seed_given);
}

TEST(ServerRequest, MaxCompletionTokensWinsOverMaxTokens) {
    EXPECT_EQ(chat(hello({{"max_completion_tokens", 9}})).max_tokens, 9);
    EXPECT_EQ(chat(hello({{"max_tokens", 3}, {"max_completion_tokens", 9}})).max_tokens, 9);
    EXPECT_EQ(completion({{"prompt", "x"}, {"max_tokens", 2147483647}}).max_tokens, 2147483647);
}

TEST(ServerRequest, NullMeansNotGiven) {
    const CompletionRequest r = chat(hello({{"temperature", nullptr}, {"max_tokens", nullptr}, {"stop", nullptr},
                                            {"seed", nullptr}, {"stream_options", nullptr}, {"model", nullptr}}));
    EXPECT_EQ(r.sampling.temperature, SamplerParams{}.temperature);
    EXPECT_EQ(r.max_tokens, -1);
    EXPECT_TRUE(r.stop.empty());
    EXPECT_EQ(r.model, "");
}

TEST(ServerRequest, StreamAndUsage) {
    CompletionRequest r = chat(hello({{"stream", true}, {"stream_options", {{"include_usage", true}}}}));
    EXPECT_TRUE(r.stream);
    EXPECT_TRUE(r.include_usage);
    r = chat(hello({{"stream", true}, {"stream_options", json::object()}}));
    EXPECT_FALSE(r.include_usage);
    // OpenAI refuses stream_options without a stream.
    EXPECT_EQ(error_of(hello({{"stream_options", {{"include_usage", true}}}})).param, "stream_options");
    EXPECT_EQ(error_of(hello({{"stream", false}, {"stream_options", {{"include_usage", true}}}})).param,
              "stream_options");
    EXPECT_EQ(error_of(hello({{"stream", true}, {"stream_options", {{"include_usage", "yes"}}}})).param,
              "stream_options.include_usage");
    EXPECT_EQ(error_of(hello({{"stream", "true"}})).param, "stream");
    EXPECT_EQ(error_of(hello({{"stream", 1}})).param, "stream");
}

TEST(ServerRequest, StopIsAStringOrUpToFourStrings) {
    EXPECT_EQ(chat(hello({{"stop", "\n"}})).stop, std::vector<std::string>{"\n"});
    EXPECT_EQ(chat(hello({{"stop", {"a", "bc", "é", "🙂"}}})).stop, (std::vector<std::string>{"a", "bc", "é", "🙂"}));
    EXPECT_EQ(chat(hello({{"stop", json::array()}})).stop.size(), 0u);
    EXPECT_EQ(error_of(hello({{"stop", {"a", "b", "c", "d", "e"}}})).param, "stop");
    EXPECT_EQ(error_of(hello({{"stop", ""}})).param, "stop");
    EXPECT_EQ(error_of(hello({{"stop", {"a", 1}}})).param, "stop");
    EXPECT_EQ(error_of(hello({{"stop", 5}})).param, "stop");
    EXPECT_EQ(error_of(hello({{"stop", std::string(kMaxStopBytes + 1, 'x')}})).param, "stop");
    EXPECT_EQ(chat(hello({{"stop", std::string(kMaxStopBytes, 'x')}})).stop.size(), 1u);
}

TEST(ServerRequest, WrongTypesNameTheField) {
    struct Case {
        const char* field;
        json value;
    };
    const Case cases[] = {
        {"model", 5},           {"temperature", "0.5"}, {"temperature", true}, {"top_p", json::array()},
        {"top_k", 1.5},         {"top_k", "40"},        {"min_p", json::object()}, {"max_tokens", 10.5},
        {"max_tokens", "10"},   {"max_completion_tokens", false}, {"seed", 1.25}, {"seed", "7"},
        {"frequency_penalty", "1"}, {"presence_penalty", true}, {"repeat_penalty", "1.1"},
        {"repeat_last_n", 2.5}, {"user", 12},           {"n", "1"},
    };
    for (const auto& c : cases) {
        const ApiError e = error_of(hello({{c.field, c.value}}));
        EXPECT_EQ(e.status, 400) << c.field;
        EXPECT_EQ(e.param, c.field) << c.field << " = " << c.value.dump();
        EXPECT_EQ(e.type, "invalid_request_error");
        EXPECT_NE(std::string(e.what()).find(c.field), std::string::npos) << e.what();
    }
}

TEST(ServerRequest, OutOfRangeAndHugeValues) {
    struct Case {
        const char* field;
        json value;
    };
    const Case cases[] = {
        {"temperature", -0.1},  {"temperature", 2.01},  {"temperature", 1e308}, {"top_p", 1.5},
        {"top_p", -1},          {"min_p", 2},           {"top_k", -1},          {"top_k", 4294967296LL},
        {"max_tokens", 0},      {"max_tokens", -5},     {"max_tokens", 2147483648LL},
        {"max_tokens", 18446744073709551615ULL},        {"max_tokens", 1e30},   {"max_completion_tokens", 0},
        {"frequency_penalty", 2.5}, {"presence_penalty", -3}, {"repeat_penalty", 0}, {"repeat_penalty", -1},
        {"repeat_penalty", 1e7}, {"repeat_last_n", -2}, {"n", 2},               {"n", 0},
    };
    for (const auto& c : cases) {
        const ApiError e = error_of(hello({{c.field, c.value}}));
        EXPECT_EQ(e.status, 400) << c.field << " = " << c.value.dump();
        EXPECT_EQ(e.param, c.field) << c.field << " = " << c.value.dump();
    }
    // Numbers too large for a double are refused by the JSON parser: still a clean 400.
    for (const char* field : {"temperature", "top_k", "max_tokens", "seed"}) {
        const ApiError e = error_of_body(std::string(R"({"messages":[{"role":"user","content":"x"}],")") + field +
                                         "\":-1e999}");
        EXPECT_EQ(e.status, 400) << field;
        EXPECT_EQ(e.code, "invalid_json") << field;
        EXPECT_NE(std::string(e.what()).find("1e999"), std::string::npos) << e.what();
    }
    // Seeds take the whole 64-bit range, negative ones wrap as in C.
    EXPECT_EQ(chat(hello({{"seed", 18446744073709551615ULL}})).sampling.seed, std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(chat(hello({{"seed", -1}})).sampling.seed, std::numeric_limits<uint64_t>::max());
}

TEST(ServerRequest, MessagesMustBeWellFormed) {
    EXPECT_EQ(error_of(json{{"model", "m"}}).param, "messages");
    EXPECT_EQ(error_of(json{{"messages", "hi"}}).param, "messages");
    EXPECT_EQ(error_of(json{{"messages", json::array()}}).param, "messages");
    EXPECT_EQ(error_of(json{{"messages", {"hi"}}}).param, "messages[0]");
    EXPECT_EQ(error_of(json{{"messages", {{{"content", "hi"}}}}}).param, "messages[0].role");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", 1}, {"content", "hi"}}}}}).param, "messages[0].role");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "wizard"}, {"content", "hi"}}}}}).param, "messages[0].role");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "User"}, {"content", "hi"}}}}}).param, "messages[0].role");
    const ApiError tool = error_of(json{{"messages", {{{"role", "tool"}, {"content", "42"}}}}});
    EXPECT_EQ(tool.code, "unsupported_parameter");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "user"}}}}}).param, "messages[0].content");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "user"}, {"content", 5}}}}}).param, "messages[0].content");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "user"}, {"content", "a"}}, {{"role", "user"}, {"content", nullptr}}}}})
                  .param,
              "messages[1].content");
    // An assistant turn without content (a tool call elsewhere) reads as empty.
    const CompletionRequest r =
        chat({{"messages", {{{"role", "assistant"}, {"content", nullptr}}, {{"role", "user"}, {"content", "x"}}}}});
    EXPECT_EQ(r.messages[0].content, "");
}

TEST(ServerRequest, ContentPartsAreConcatenatedText) {
    const CompletionRequest r = chat({{"messages",
                                       {{{"role", "user"},
                                         {"content",
                                          {{{"type", "text"}, {"text", "Hello, "}},
                                           {{"type", "text"}, {"text", "world"}}}}}}}});
    EXPECT_EQ(r.messages[0].content, "Hello, world");
    const ApiError image = error_of(json{
        {"messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}, {"image_url", {{"url", "x"}}}}}}}}}});
    EXPECT_EQ(image.param, "messages[0].content[0].type");
    EXPECT_EQ(image.code, "unsupported_parameter");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "user"}, {"content", {{{"type", "text"}}}}}}}}).param,
              "messages[0].content[0].text");
    EXPECT_EQ(error_of(json{{"messages", {{{"role", "user"}, {"content", {"plain"}}}}}}).param,
              "messages[0].content[0]");
}

TEST(ServerRequest, UnicodeSurvivesIntact) {
    std::string text = "héllo wörld — 日本語 עברית 🙂 ";
    text += '\0';
    text += " nul, \t tab";
    const CompletionRequest r = chat({{"messages", {{{"role", "user"}, {"content", text}}}}, {"stop", "🙂"}});
    EXPECT_EQ(r.messages[0].content, text);
    EXPECT_EQ(r.stop[0], "🙂");
    // Escaped surrogate pairs decode to UTF-8.
    EXPECT_EQ(chat(json::parse(R"({"messages":[{"role":"user","content":"\ud83d\ude42"}]})")).messages[0].content,
              "🙂");
    // Bytes that are not UTF-8, and a lone surrogate, are malformed JSON: 400, not a crash later.
    EXPECT_EQ(error_of_body(std::string("{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}")).code, "invalid_json");
    EXPECT_EQ(error_of_body(std::string(R"({"messages":[{"role":"user","content":"\ud800"}]})")).code, "invalid_json");
}

TEST(ServerRequest, MalformedBodies) {
    for (const char* body : {"", "{", "{\"messages\": [", "null", "[]", "\"text\"", "42", "{\"a\":1}}", "{'a': 1}"}) {
        const ApiError e = error_of_body(body);
        EXPECT_EQ(e.status, 400) << body;
        EXPECT_FALSE(std::string(e.what()).empty());
    }
    EXPECT_EQ(error_of_body("[]").code, "invalid_json");
    // A long garbage body gives a short message.
    const ApiError e = error_of_body(std::string("{\"messages\": \"") + std::string(100000, 'x'));
    EXPECT_LT(std::string(e.what()).size(), 400u);
    // Deep nesting is parsed without recursion and refused for its type.
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    EXPECT_EQ(error_of_body("{\"messages\": " + deep + "}").param, "messages[0]");
}

TEST(ServerRequest, UnsupportedFeaturesAreRefusedNotIgnored) {
    for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
             {"n", 3},
             {"logprobs", true},
             {"top_logprobs", 2},
             {"tools", {{{"type", "function"}}}},
             {"tool_choice", "auto"},
             {"functions", {{{"name", "f"}}}},
             {"logit_bias", {{"50256", -100}}},
             {"response_format", {{"type", "json_object"}}},
             {"echo", true},
             {"best_of", 2},
             {"suffix", "end"},
         }) {
        const ApiError e = error_of(hello({{field, value}}));
        EXPECT_EQ(e.status, 400) << field;
        EXPECT_EQ(e.param, field);
        EXPECT_EQ(e.code, "unsupported_parameter") << field;
    }
    // Their "off" values are fine, as are fields this server does not know: the request reads as
    // if they were not there (a refusal throws ApiError, which fails the test).
    const CompletionRequest off = chat(hello({{"logprobs", false},
                                              {"tools", json::array()},
                                              {"tool_choice", "none"},
                                              {"logit_bias", json::object()},
                                              {"response_format", {{"type", "text"}}},
                                              {"echo", false},
                                              {"best_of", 1},
                                              {"metadata", {{"a", "b"}}},
                                              {"store", false},
                                              {"parallel_tool_calls", true}}));
    ASSERT_EQ(off.messages.size(), 1u);
    EXPECT_EQ(off.messages[0].content, "Hello");
    EXPECT_EQ(off.model, "m");
    EXPECT_EQ(completion({{"prompt", "x"}, {"logprobs", 0}}).prompt, "x");
}

TEST(ServerRequest, CompletionPrompt) {
    EXPECT_EQ(completion({{"prompt", "Once upon"}}).prompt, "Once upon");
    EXPECT_EQ(completion({{"prompt", {"Once upon"}}}).prompt, "Once upon");
    EXPECT_EQ(completion({{"prompt", ""}}).prompt, "");
    EXPECT_EQ(completion({{"prompt", "x"}}).endpoint, Endpoint::Completions);
    EXPECT_EQ(error_of(json{{"model", "m"}}, Endpoint::Completions).param, "prompt");
    EXPECT_EQ(error_of(json{{"prompt", 5}}, Endpoint::Completions).param, "prompt");
    EXPECT_EQ(error_of(json{{"prompt", {"a", "b"}}}, Endpoint::Completions).code, "unsupported_parameter");
    EXPECT_EQ(error_of(json{{"prompt", {1, 2, 3}}}, Endpoint::Completions).code, "unsupported_parameter");
    // A chat body on the completions endpoint lacks its prompt, and the reverse.
    EXPECT_EQ(error_of(hello(), Endpoint::Completions).param, "prompt");
    EXPECT_EQ(error_of(json{{"prompt", "x"}}, Endpoint::ChatCompletions).param, "messages");
}

TEST(ServerRequest, ErrorBodyHasOpenAIsShape) {
    const ApiError e = error_of(hello({{"temperature", 9}}));
    const auto body = e.body();
    ASSERT_TRUE(body.contains("error"));
    EXPECT_EQ(body["error"]["param"], "temperature");
    EXPECT_EQ(body["error"]["type"], "invalid_request_error");
    EXPECT_TRUE(body["error"]["message"].is_string());
    EXPECT_TRUE(body["error"].contains("code"));
    // No param: null, not "".
    EXPECT_TRUE(ApiError(503, "busy").body()["error"]["param"].is_null());
    EXPECT_EQ(ApiError(503, "busy").body()["error"]["type"], "server_error");
}

TEST(ServerRequest, SamplerRangeCheck) {
    SamplerParams p;
    EXPECT_EQ(check_sampler_params(p), "");
    p.temperature = std::numeric_limits<float>::quiet_NaN();
    EXPECT_NE(check_sampler_params(p), "");
    p = {};
    p.top_p = 1.5f;
    EXPECT_NE(check_sampler_params(p), "");
    p = {};
    p.repeat_penalty = 0;
    EXPECT_NE(check_sampler_params(p), "");
    p = {};
    p.frequency_penalty = std::numeric_limits<float>::infinity();
    EXPECT_NE(check_sampler_params(p), "");
    p = {};
    p.top_k = -3;
    EXPECT_NE(check_sampler_params(p), "");
}

}  // namespace
}  // namespace tern::server
