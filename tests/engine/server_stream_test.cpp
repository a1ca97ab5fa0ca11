// What the server streams: Server-Sent Events framing, the chunk and response shapes OpenAI's
// clients parse, stop sequences split across tokens, and the tern metrics object.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/response.h"
#include "server/sse.h"
#include "server/stop_matcher.h"

namespace tern::server {
namespace {

using json = nlohmann::ordered_json;

// A minimal SSE reader as the spec (and the openai package) reads a stream: events end at a blank
// line; each "data:" line adds its value.
std::vector<std::string> read_events(const std::string& stream) {
    std::vector<std::string> events;
    std::string data;
    size_t pos = 0;
    while (pos < stream.size()) {
        size_t end = stream.find('\n', pos);
        if (end == std::string::npos) end = stream.size();
        const std::string line = stream.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty()) {
            events.push_back(data);
            data.clear();
        } else if (line.rfind("data: ", 0) == 0) {
            data += (data.empty() ? "" : "\n") + line.substr(6);
        } else {
            ADD_FAILURE() << "not a data line: " << line;
        }
    }
    EXPECT_TRUE(data.empty()) << "unterminated event";
    return events;
}

TEST(ServerSse, OneEventPerChunkWhateverTheText) {
    const std::string nasty = "line\nbreak\r\ncarriage\rreturn\n\ndata: [DONE]\n\n\u2028 \"quotes\" \\ \t";
    const json chunk = {{"text", nasty}};
    const std::string event = sse_event(chunk);
    EXPECT_EQ(event.rfind("data: ", 0), 0u);
    ASSERT_GE(event.size(), 2u);
    EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
    EXPECT_EQ(event.find('\n'), event.size() - 2) << "a raw newline inside the payload";
    EXPECT_EQ(event.find('\r'), std::string::npos);

    const std::string stream = sse_event(chunk) + sse_event({{"text", "two"}}) + std::string(kSseDone);
    const auto events = read_events(stream);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(json::parse(events[0])["text"], nasty);
    EXPECT_EQ(json::parse(events[1])["text"], "two");
    EXPECT_EQ(events[2], "[DONE]");
    EXPECT_EQ(kSseDone, "data: [DONE]\n\n");
}

TEST(ServerSse, InvalidUtf8BecomesReplacementCharacters) {
    const json chunk = {{"text", std::string("ok \xe2\x82 cut \xff")}};
    std::string text;
    ASSERT_NO_THROW(text = json_text(chunk));
    EXPECT_EQ(json::parse(text)["text"], "ok \xef\xbf\xbd cut \xef\xbf\xbd");
}

CompletionIds chat_ids() { return {Endpoint::ChatCompletions, "chatcmpl-1", 1700000000, "tern-model"}; }
CompletionIds text_ids() { return {Endpoint::Completions, "cmpl-1", 1700000000, "tern-model"}; }

TEST(ServerSse, ChatChunksLookLikeOpenAIs) {
    const json first = chunk_json(chat_ids(), "", true, nullptr, false);
    EXPECT_EQ(first["object"], "chat.completion.chunk");
    EXPECT_EQ(first["id"], "chatcmpl-1");
    EXPECT_EQ(first["created"], 1700000000);
    EXPECT_EQ(first["model"], "tern-model");
    EXPECT_EQ(first["choices"][0]["delta"], json({{"role", "assistant"}, {"content", ""}}));
    EXPECT_TRUE(first["choices"][0]["finish_reason"].is_null());
    EXPECT_FALSE(first.contains("usage"));

    const json middle = chunk_json(chat_ids(), "Hel", false, nullptr, true);
    EXPECT_EQ(middle["choices"][0]["delta"], json({{"content", "Hel"}}));
    EXPECT_TRUE(middle["usage"].is_null());  // present and null when include_usage

    const json last = chunk_json(chat_ids(), "", false, "stop", false);
    EXPECT_EQ(last["choices"][0]["delta"], json::object());
    EXPECT_EQ(last["choices"][0]["finish_reason"], "stop");

    const json usage = usage_chunk_json(chat_ids(), usage_json(5, 3));
    EXPECT_EQ(usage["choices"], json::array());
    EXPECT_EQ(usage["usage"], json({{"prompt_tokens", 5}, {"completion_tokens", 3}, {"total_tokens", 8}}));
}

TEST(ServerSse, CompletionChunksCarryText) {
    const json c = chunk_json(text_ids(), "once", false, nullptr, false);
    EXPECT_EQ(c["object"], "text_completion");
    EXPECT_EQ(c["choices"][0]["text"], "once");
    EXPECT_FALSE(c["choices"][0].contains("delta"));
}

ModelInfo shape_2b4t() {
    ModelInfo i;
    i.n_embd = 2560;
    i.n_layer = 30;
    i.n_head = 20;
    i.n_head_kv = 5;
    i.head_dim = 128;
    i.n_ff = 6912;
    i.n_vocab = 128256;
    i.weight_bytes_per_token = 1'100'000'000;
    i.head_bytes = 656'670'720;
    i.kv_bytes_per_token = 76'800;
    i.backend = "cpu";
    return i;
}

AnswerStats answer(int prompt, int generated, const std::string& stop_reason) {
    AnswerStats s;
    s.result.n_prompt = prompt;
    s.result.n_reused = 2;
    s.result.n_generated = generated;
    s.result.prefill_ms = 100;
    s.result.decode_ms = 1000;
    s.result.ttft_ms = 120;
    s.queue_ms = 5;
    s.ttft_ms = 130;
    s.stop_reason = stop_reason;
    s.seed = 77;
    return s;
}

TEST(ServerResponse, WholeAnswers) {
    const ModelInfo info = shape_2b4t();
    const json chat = completion_json(chat_ids(), "Hi there", answer(10, 4, "eos"), info);
    EXPECT_EQ(chat["object"], "chat.completion");
    EXPECT_EQ(chat["choices"][0]["message"], json({{"role", "assistant"}, {"content", "Hi there"}}));
    EXPECT_EQ(chat["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(chat["usage"]["prompt_tokens"], 10);
    EXPECT_EQ(chat["usage"]["completion_tokens"], 4);
    EXPECT_EQ(chat["usage"]["total_tokens"], 14);
    const json text = completion_json(text_ids(), "upon", answer(3, 16, "max_tokens"), info);
    EXPECT_EQ(text["object"], "text_completion");
    EXPECT_EQ(text["choices"][0]["text"], "upon");
    EXPECT_EQ(text["choices"][0]["finish_reason"], "length");
}

TEST(ServerResponse, FinishReasonIsStopOrLength) {
    EXPECT_STREQ(finish_reason("eos"), "stop");
    EXPECT_STREQ(finish_reason("stop_sequence"), "stop");
    EXPECT_STREQ(finish_reason("max_tokens"), "length");
    EXPECT_STREQ(finish_reason("context_full"), "length");
    EXPECT_STREQ(finish_reason("shutdown"), "length");
}

TEST(ServerResponse, TernObjectSaysWhatTheAnswerCost) {
    const ModelInfo info = shape_2b4t();
    const json t = tern_json(answer(10, 4, "eos"), info);
    EXPECT_EQ(t["prompt_tokens_cached"], 2);
    EXPECT_EQ(t["ttft_ms"], 130.0);
    EXPECT_EQ(t["queue_ms"], 5.0);
    EXPECT_DOUBLE_EQ(t["prefill_tokens_per_second"].get<double>(), 80.0);  // 8 new tokens in 100 ms
    EXPECT_DOUBLE_EQ(t["decode_tokens_per_second"].get<double>(), 3.0);    // 3 after the first in 1 s
    EXPECT_EQ(t["stop_reason"], "eos");
    EXPECT_EQ(t["seed"], 77u);
    const double j = t["estimated_joules"].get<double>(), jpt = t["estimated_joules_per_token"].get<double>();
    EXPECT_GT(jpt, 0.1);  // ~1.1 GB of DRAM reads at 162.5 pJ/byte is 0.18 J
    EXPECT_NEAR(j, 4 * jpt, 1e-9);
    const double f = t["fp16_estimated_joules"].get<double>();
    EXPECT_GT(f, 3 * j);  // the FP16 baseline reads ~4x the bytes
    EXPECT_NEAR(f, 4 * t["fp16_estimated_joules_per_token"].get<double>(), 1e-9);
    EXPECT_NE(t["energy_model"].get<std::string>().find("Horowitz"), std::string::npos);
    // No token decoded: the answer cost nothing yet, the per-token figure is the next token's.
    const json none = tern_json(answer(10, 0, "shutdown"), info);
    EXPECT_EQ(none["estimated_joules"], 0.0);
    EXPECT_GT(none["estimated_joules_per_token"].get<double>(), 0.1);
}

std::string feed(StopMatcher& m, const std::vector<std::string>& pieces) {
    std::string out;
    for (const auto& p : pieces) out += m.push(p);
    return out;
}

TEST(ServerStop, SequenceSplitAcrossTokensIsNeverShown) {
    StopMatcher m({"<END>"});
    EXPECT_EQ(m.push("Hello <"), "Hello ");  // "<" might start the stop: held back
    EXPECT_EQ(m.push("EN"), "");
    EXPECT_EQ(m.push("D> more"), "");
    EXPECT_TRUE(m.stopped());
    EXPECT_EQ(m.push("ignored"), "");
    EXPECT_EQ(m.flush(), "");
}

TEST(ServerStop, FalseStartIsReleased) {
    StopMatcher m({"<END>"});
    EXPECT_EQ(feed(m, {"a <E", "ND", "ing"}), "a <ENDing");
    EXPECT_FALSE(m.stopped());
    StopMatcher tail({"<END>"});
    EXPECT_EQ(tail.push("done <EN"), "done ");
    EXPECT_EQ(tail.flush(), "<EN");  // the end of the answer releases what was held
}

TEST(ServerStop, EarliestOfSeveralWins) {
    StopMatcher m({"world", "lo"});
    EXPECT_EQ(feed(m, {"hel", "lo world"}), "hel");
    EXPECT_TRUE(m.stopped());
    StopMatcher n({"\n\n", "User:"});
    EXPECT_EQ(feed(n, {"answer.\n", "User: next"}), "answer.\n");
}

TEST(ServerStop, WholeStopInOnePieceAndAtTheStart) {
    StopMatcher m({"stop"});
    EXPECT_EQ(m.push("stop"), "");
    EXPECT_TRUE(m.stopped());
    StopMatcher n({"x"});
    EXPECT_EQ(n.push("abc"), "abc");  // a one-byte stop holds nothing back
}

TEST(ServerStop, UnicodeStopsNeverSplitACharacter) {
    StopMatcher m({"🙂!"});
    // "🙂" arrives whole (the detokenizer emits whole characters) and is held with its "!".
    EXPECT_EQ(m.push("smile 🙂"), "smile ");
    EXPECT_EQ(m.push("?"), "🙂?");
    EXPECT_EQ(m.push(" é🙂!"), " é");
    EXPECT_TRUE(m.stopped());
}

TEST(ServerStop, NoStopsPassEverythingThrough) {
    StopMatcher m({});
    EXPECT_EQ(feed(m, {"a", "", "b\n"}), "ab\n");
    EXPECT_EQ(m.flush(), "");
}

}  // namespace
}  // namespace tern::server
