// The Llama-3 byte-level BPE tokenizer, imported from tokenizer.json the way the official BitNet
// b1.58 GGUF stores it, against ids from the reference tokenizer (tests/data/tokenizer_cases.json).
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"

namespace {

using tok_test::llama3;
using tok_test::show;

constexpr int32_t kBos = 128000;
constexpr int32_t kEndOfText = 128001;
constexpr int32_t kEot = 128009;

TEST(TokenizerLlama3, MatchesReferenceIds) {
    const auto& cases = tok_test::reference_cases();
    ASSERT_GE(cases.size(), 300u);
    size_t failures = 0;
    for (const auto& c : cases) {
        const std::vector<int32_t> got = llama3().encode(c.text, /*add_bos=*/false, c.special);
        if (got != c.ids) {
            if (++failures <= 25) {
                ADD_FAILURE() << "text " << show(c.text) << (c.special ? " (special)" : "") << "\n  expected "
                              << show(c.ids) << "\n  got      " << show(got);
            }
        }
    }
    EXPECT_EQ(failures, 0u) << "of " << cases.size() << " cases";
}

TEST(TokenizerLlama3, DecodeInvertsEncode) {
    for (const auto& c : tok_test::reference_cases()) {
        const auto ids = llama3().encode(c.text, false, c.special);
        EXPECT_EQ(llama3().decode(ids, /*render_special=*/c.special), c.text) << show(c.text);
    }
}

TEST(TokenizerLlama3, AddBosPrependsBeginOfText) {
    EXPECT_EQ(llama3().encode("Hello", true, false), (std::vector<int32_t>{kBos, 9906}));
    EXPECT_EQ(llama3().encode("", true, false), (std::vector<int32_t>{kBos}));
    EXPECT_EQ(llama3().encode("Hello", false, false), (std::vector<int32_t>{9906}));
}

TEST(TokenizerLlama3, ChatPromptVectorFromReferenceDoc) {
    // bitnet-reference.md section 4.3.
    EXPECT_EQ(llama3().encode("User: hi<|eot_id|>Assistant: ", true, true),
              (std::vector<int32_t>{kBos, 1502, 25, 15960, kEot, 72803, 25, 220}));
}

TEST(TokenizerLlama3, UsesLlama3PreTokenizerNotGpt2Default) {
    // The GPT-2 default split would give [888, 62, 1213] (bitnet-reference.md section 4.2).
    EXPECT_EQ(llama3().encode("read_file", false, false), (std::vector<int32_t>{888, 2517}));
}

TEST(TokenizerLlama3, SpecialIdsAndEndOfGeneration) {
    const auto& t = llama3();
    EXPECT_EQ(t.n_vocab(), 128256);
    EXPECT_EQ(t.bos(), kBos);
    EXPECT_EQ(t.eos(), kEndOfText);
    EXPECT_EQ(t.eot(), kEot);
    EXPECT_TRUE(t.add_bos_default());
    EXPECT_TRUE(t.is_end_of_generation(kEndOfText));
    EXPECT_TRUE(t.is_end_of_generation(kEot));
    EXPECT_FALSE(t.is_end_of_generation(kBos));
    EXPECT_FALSE(t.is_end_of_generation(220));
    EXPECT_FALSE(t.is_end_of_generation(-1));
}

TEST(TokenizerLlama3, TokenTextAndLookup) {
    const auto& t = llama3();
    EXPECT_EQ(t.token_text(9906), "Hello");
    EXPECT_EQ(t.token_text(1917), "\xC4\xA0world");  // "Ġworld"
    EXPECT_EQ(t.find_token("\xC4\xA0world"), 1917);
    EXPECT_EQ(t.find_token("<|eot_id|>"), kEot);
    EXPECT_EQ(t.find_token("no such token, surely"), -1);
    EXPECT_EQ(t.token_bytes(1917), " world");
    EXPECT_EQ(t.token_bytes(198), "\n");
}

TEST(TokenizerLlama3, ControlTokensRenderOnlyWhenAsked) {
    const auto& t = llama3();
    EXPECT_EQ(t.token_bytes(kEot), "");
    EXPECT_EQ(t.token_bytes(kEot, true), "<|eot_id|>");
    const std::vector<int32_t> ids{kBos, 9906, kEot};
    EXPECT_EQ(t.decode(ids), "Hello");
    EXPECT_EQ(t.decode(ids, true), "<|begin_of_text|>Hello<|eot_id|>");
}

TEST(TokenizerLlama3, SpecialTextIsPlainTextUnlessParsed) {
    const auto& t = llama3();
    const auto plain = t.encode("<|eot_id|>", false, false);
    EXPECT_GT(plain.size(), 1u);
    EXPECT_EQ(std::count(plain.begin(), plain.end(), kEot), 0);
    EXPECT_EQ(t.encode("<|eot_id|>", false, true), (std::vector<int32_t>{kEot}));
    // Longest match: "<|eot_id|>" is not taken for a shorter special token.
    EXPECT_EQ(t.encode("a<|end_of_text|>b", false, true), (std::vector<int32_t>{64, kEndOfText, 65}));
}

TEST(TokenizerLlama3, OutOfRangeIdsThrow) {
    EXPECT_THROW(llama3().token_bytes(128256), tern::Error);
    EXPECT_THROW(llama3().token_text(-1), tern::Error);
}

TEST(TokenizerLlama3, InvalidUtf8InputIsKeptByteForByte) {
    const std::string bad = std::string("ok\xFF\xFE") + "x\xC3";
    const auto ids = llama3().encode(bad, false, false);
    EXPECT_EQ(llama3().decode(ids), bad);
}

TEST(TokenizerLlama3, LongInputRoundTrips) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "Paragraph " + std::to_string(i) + ": the café's 😀 price is $3.50\n\n";
    const auto ids = llama3().encode(text, false, false);
    EXPECT_EQ(llama3().decode(ids), text);
}

TEST(TokenizerHfImport, WritesTheOfficialKeys) {
    tern::gguf::Writer w;
    w.set_string("general.architecture", "bitnet-b1.58");
    EXPECT_EQ(tern::import_hf_tokenizer(TERN_TOKENIZER_JSON, w), 128256);
    gguf_test::TempDir dir;
    w.write_file(dir.file("t.gguf"));
    const auto f = tern::gguf::File::open(dir.file("t.gguf"));

    EXPECT_EQ(f->get_string("tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(f->find("tokenizer.ggml.pre"), nullptr);
    const auto* tokens = f->get_array("tokenizer.ggml.tokens", tern::gguf::ValueType::STRING);
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->count, 128256u);
    EXPECT_EQ(tokens->strings[128000], "<|begin_of_text|>");
    EXPECT_EQ(tokens->strings[128255], "<|reserved_special_token_250|>");
    const auto* merges = f->get_array("tokenizer.ggml.merges", tern::gguf::ValueType::STRING);
    ASSERT_NE(merges, nullptr);
    EXPECT_EQ(merges->count, 280147u);
    EXPECT_EQ(merges->strings[0], "\xC4\xA0 \xC4\xA0");  // "Ġ Ġ"
    const auto* types = f->get_array("tokenizer.ggml.token_type", tern::gguf::ValueType::INT32);
    ASSERT_NE(types, nullptr);
    EXPECT_EQ(types->int_at(0), 1);
    EXPECT_EQ(types->int_at(127999), 1);
    EXPECT_EQ(types->int_at(128000), 3);
    EXPECT_EQ(types->int_at(128255), 3);
    const auto* scores = f->get_array("tokenizer.ggml.scores", tern::gguf::ValueType::FLOAT32);
    ASSERT_NE(scores, nullptr);
    EXPECT_EQ(scores->float_at(5), 0.0);
    EXPECT_EQ(scores->float_at(128009), -1000.0);
    EXPECT_EQ(f->get_uint("tokenizer.ggml.bos_token_id"), 128000u);
    EXPECT_EQ(f->get_uint("tokenizer.ggml.eos_token_id"), 128001u);
    EXPECT_EQ(f->get_uint("tokenizer.ggml.padding_token_id"), 128001u);
    EXPECT_EQ(f->get_bool("tokenizer.ggml.add_bos_token"), true);
}

}  // namespace
