// Byte-level BPE mechanics on tiny hand-made vocabularies: merge order, ties, ignore_merges,
// special and user-defined tokens.
#include <gtest/gtest.h>

#include "tokenizer/byte_level.h"
#include "tokenizer_test_util.h"

namespace {

using tern::gguf::Writer;
using Ids = std::vector<int32_t>;

// Tokens 0..255 are the bytes (token b stands for byte b), then `extra` from id 256 on.
std::unique_ptr<tern::Tokenizer> make(const std::vector<std::string>& extra, const std::vector<std::string>& merges,
                                      const std::vector<int32_t>& extra_types = {}) {
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b) tokens.push_back(tern::byte_level::byte_text(static_cast<uint8_t>(b)));
    tokens.insert(tokens.end(), extra.begin(), extra.end());
    std::vector<int32_t> types(256, 1);
    for (size_t i = 0; i < extra.size(); ++i) types.push_back(i < extra_types.size() ? extra_types[i] : 1);
    Writer w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.tokens", tokens);
    w.set_array_i32("tokenizer.ggml.token_type", types);
    w.set_array_string("tokenizer.ggml.merges", merges);
    return tok_test::load(w);
}

TEST(TokenizerBpe, LowerRankMergesFirst) {
    // "abc" is not a token, so the merges decide: 256 = ab, 257 = bc.
    EXPECT_EQ(make({"ab", "bc"}, {"b c", "a b"})->encode("abc", false, false), (Ids{'a', 257}));
    EXPECT_EQ(make({"ab", "bc"}, {"a b", "b c"})->encode("abc", false, false), (Ids{256, 'c'}));
}

TEST(TokenizerBpe, EqualRanksMergeLeftmostFirst) {
    const auto tok = make({"aa"}, {"a a"});
    EXPECT_EQ(tok->encode("aaa", false, false), (Ids{256, 'a'}));
    EXPECT_EQ(tok->encode("aaaa", false, false), (Ids{256, 256}));
    EXPECT_EQ(tok->encode("aaaaa", false, false), (Ids{256, 256, 'a'}));
}

TEST(TokenizerBpe, MergesChainAcrossTheWord) {
    // 256 ab, 257 abc: "abcab" -> ab c ab -> abc ab
    EXPECT_EQ(make({"ab", "abc"}, {"a b", "ab c"})->encode("abcab", false, false), (Ids{257, 256}));
}

TEST(TokenizerBpe, WholePreTokenInVocabularySkipsMerges) {
    // "xyz" has no merges leading to it, but as a whole pre-token it is taken as is.
    const auto tok = make({"xyz"}, {});
    EXPECT_EQ(tok->encode("xyz", false, false), (Ids{256}));
    EXPECT_EQ(tok->encode("xyzx", false, false), (Ids{'x', 'y', 'z', 'x'}));
    // Pre-tokens are byte-level text: " xyz" is "Ġxyz", which is not a token.
    EXPECT_EQ(tok->encode(" xyz", false, false), (Ids{' ', 'x', 'y', 'z'}));
}

TEST(TokenizerBpe, ControlTokensOnlyWithParseSpecial) {
    const auto tok = make({"<ctl>", "ab"}, {"a b"}, {3, 1});
    EXPECT_EQ(tok->encode("ab<ctl>ab", false, true), (Ids{257, 256, 257}));
    EXPECT_EQ(tok->encode("ab<ctl>ab", false, false), (Ids{257, '<', 'c', 't', 'l', '>', 257}));
    // A control token's text is never produced by the merges either.
    EXPECT_EQ(tok->encode("<ctl>", false, false), (Ids{'<', 'c', 't', 'l', '>'}));
}

TEST(TokenizerBpe, UserDefinedTokensAreAlwaysRecognised) {
    const auto tok = make({"<tool>"}, {}, {4});
    EXPECT_EQ(tok->encode("a<tool>", false, false), (Ids{'a', 256}));
    EXPECT_EQ(tok->token_bytes(256), "<tool>");
}

TEST(TokenizerBpe, LongestSpecialTokenWins) {
    const auto tok = make({"<a>", "<a><b>"}, {}, {3, 3});
    EXPECT_EQ(tok->encode("<a><b><a>", false, true), (Ids{257, 256}));
}

TEST(TokenizerBpe, NoBosWhenTheVocabularyHasNone) {
    const auto tok = make({"ab"}, {"a b"});
    EXPECT_EQ(tok->bos(), -1);
    EXPECT_EQ(tok->encode("ab", true, false), (Ids{256}));
}

}  // namespace
