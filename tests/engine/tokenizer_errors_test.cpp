// Malformed vocabularies and tokenizer.json files fail with tern::Error and a message that names
// the key or the problem.
#include <gtest/gtest.h>

#include <fstream>

#include "tokenizer/byte_level.h"
#include "tokenizer_test_util.h"

namespace {

using gguf_test::throws_error;
using tern::gguf::Writer;

// A tiny valid gpt2 vocabulary: the 256 byte tokens, then "ab", with the merge "a b".
std::vector<std::string> byte_tokens() {
    std::vector<std::string> t;
    for (int b = 0; b < 256; ++b) t.push_back(tern::byte_level::byte_text(static_cast<uint8_t>(b)));
    return t;
}

Writer gpt2_writer(std::vector<std::string> tokens, std::vector<std::string> merges) {
    Writer w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.tokens", tokens);
    w.set_array_string("tokenizer.ggml.merges", merges);
    return w;
}

Writer valid_gpt2() {
    auto t = byte_tokens();
    t.push_back("ab");
    return gpt2_writer(t, {"a b"});
}

TEST(TokenizerErrors, ValidMinimalVocabularyLoads) {
    auto tok = tok_test::load(valid_gpt2());
    EXPECT_EQ(tok->encode("ab", false, false), (std::vector<int32_t>{256}));
}

TEST(TokenizerErrors, MissingModelKey) {
    Writer w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_array_string("tokenizer.ggml.tokens", byte_tokens());
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.model", "missing"}));
}

TEST(TokenizerErrors, MissingTokens) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.merges", {"a b"});
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.tokens", "missing"}));
}

TEST(TokenizerErrors, TokensOfTheWrongType) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_i32("tokenizer.ggml.tokens", {1, 2, 3});
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.tokens", "strings"}));
}

TEST(TokenizerErrors, MergeWithUnknownToken) {
    auto t = byte_tokens();
    t.push_back("ab");
    EXPECT_TRUE(throws_error([&] { tok_test::load(gpt2_writer(t, {"a b", "ab zz"})); },
                             {"tokenizer.ggml.merges[1]", "'zz'", "not in the vocabulary"}));
}

TEST(TokenizerErrors, MergeWhoseResultIsMissing) {
    EXPECT_TRUE(throws_error([&] { tok_test::load(gpt2_writer(byte_tokens(), {"a b"})); },
                             {"tokenizer.ggml.merges[0]", "'ab'", "not in the vocabulary"}));
}

TEST(TokenizerErrors, MalformedMerge) {
    auto t = byte_tokens();
    EXPECT_TRUE(throws_error([&] { tok_test::load(gpt2_writer(t, {"ab"})); }, {"tokenizer.ggml.merges[0]", "'A B'"}));
}

TEST(TokenizerErrors, MissingMerges) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.tokens", byte_tokens());
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.merges"}));
}

TEST(TokenizerErrors, BosOutOfRange) {
    Writer w = valid_gpt2();
    w.set_u32("tokenizer.ggml.bos_token_id", 100000);
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.bos_token_id", "100000", "outside"}));
}

TEST(TokenizerErrors, EosOutOfRange) {
    Writer w = valid_gpt2();
    w.set_i32("tokenizer.ggml.eos_token_id", -7);
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.eos_token_id", "-7"}));
}

TEST(TokenizerErrors, ScoresOfTheWrongLength) {
    Writer w = valid_gpt2();
    w.set_array_f32("tokenizer.ggml.scores", {0.0f, 1.0f});
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.scores", "2 entries", "257"}));
}

TEST(TokenizerErrors, UnknownTokenType) {
    Writer w = valid_gpt2();
    w.set_array_i32("tokenizer.ggml.token_type", std::vector<int32_t>(257, 9));
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.token_type", "9"}));
}

TEST(TokenizerErrors, MissingByteToken) {
    auto t = byte_tokens();
    t[0x41] = "not-A";  // no token for the byte 'A'
    t.push_back("ab");
    EXPECT_TRUE(throws_error([&] { tok_test::load(gpt2_writer(t, {"a b"})); }, {"0x41", "byte"}));
}

TEST(TokenizerErrors, UnsupportedModel) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "bert");
    w.set_array_string("tokenizer.ggml.tokens", {"a", "b"});
    EXPECT_TRUE(throws_error([&] { tok_test::load(w); }, {"tokenizer.ggml.model", "bert", "not supported"}));
}

TEST(TokenizerErrors, SpmWithoutByteTokensOrUnknown) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_array_string("tokenizer.ggml.tokens", {"a", "b", "\xE2\x96\x81"});
    EXPECT_TRUE(throws_error([&] { tok_test::load(w, "bitnet"); }, {"byte tokens", "unknown token"}));
}

TEST(TokenizerErrors, UnsupportedPreTokenizerStillLoads) {
    Writer w = valid_gpt2();
    w.set_string("tokenizer.ggml.pre", "qwen2");
    auto tok = tok_test::load(w);  // logs a warning, uses the Llama-3 split
    // "ab", " ab" -> "ab", "Ġ" (token 0x20: byte tokens sit at their byte's index), "ab"
    EXPECT_EQ(tok->encode("ab ab", false, false), (std::vector<int32_t>{256, 0x20, 256}));
}

// --- tokenizer.json import -------------------------------------------------------------------

class TokenizerHfImportErrors : public ::testing::Test {
protected:
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir_.file(name);
        std::ofstream(path) << text;
        return path;
    }
    gguf_test::TempDir dir_;
};

TEST_F(TokenizerHfImportErrors, MissingFile) {
    Writer w;
    EXPECT_TRUE(throws_error([&] { tern::import_hf_tokenizer(dir_.file("nope.json"), w); }, {"nope.json", "cannot open"}));
}

TEST_F(TokenizerHfImportErrors, NotJson) {
    Writer w;
    const auto path = write("bad.json", "{ not json");
    EXPECT_TRUE(throws_error([&] { tern::import_hf_tokenizer(path, w); }, {"bad.json", "JSON"}));
}

TEST_F(TokenizerHfImportErrors, GapInIds) {
    Writer w;
    const auto path = write("gap.json", R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 2}, "merges": []}})");
    EXPECT_TRUE(throws_error([&] { tern::import_hf_tokenizer(path, w); }, {"no token has id 1"}));
}

TEST_F(TokenizerHfImportErrors, ConflictingIds) {
    Writer w;
    const auto path = write("dup.json", R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []},
        "added_tokens": [{"id": 1, "content": "<x>", "special": true}]})");
    EXPECT_TRUE(throws_error([&] { tern::import_hf_tokenizer(path, w); }, {"id 1", "<x>"}));
}

TEST_F(TokenizerHfImportErrors, NotBpe) {
    Writer w;
    const auto path = write("wp.json", R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})");
    EXPECT_TRUE(throws_error([&] { tern::import_hf_tokenizer(path, w); }, {"WordPiece", "BPE"}));
}

TEST_F(TokenizerHfImportErrors, PairFormMergesAreAccepted) {
    // tokenizers >= 0.20 writes merges as ["A", "B"] pairs.
    std::string vocab;
    const auto bytes = byte_tokens();
    for (size_t i = 0; i < bytes.size(); ++i) vocab += nlohmann::json(bytes[i]).dump() + ": " + std::to_string(i) + ", ";
    vocab += "\"ab\": 256";
    const auto path = write("pairs.json", R"({"model": {"type": "BPE", "vocab": {)" + vocab +
                                              R"(}, "merges": [["a", "b"]]},
        "added_tokens": [{"id": 257, "content": "<|begin_of_text|>", "special": true},
                         {"id": 258, "content": "<|end_of_text|>", "special": true}]})");
    Writer w;
    EXPECT_EQ(tern::import_hf_tokenizer(path, w), 259);
    auto tok = tok_test::load(w);
    EXPECT_EQ(tok->encode("ab", true, false), (std::vector<int32_t>{257, 256}));
    EXPECT_EQ(tok->eos(), 258);
}

}  // namespace
