// SentencePiece-style ("llama") vocabularies: the synthetic vocabulary written by
// write_synthetic_spm_vocab, and small hand-made ones whose results can be worked out by hand.
#include <gtest/gtest.h>

#include <set>

#include "tokenizer/unicode.h"
#include "tokenizer_test_util.h"

namespace {

using tok_test::show;
using tern::gguf::Writer;

const std::string kMark = "\xE2\x96\x81";  // "▁"

// The synthetic vocabulary at its minimum size: specials, bytes, ASCII characters and the
// prefix chains of the first few dozen words (no fillers yet, which keeps hand derivations simple).
const tern::Tokenizer& synthetic() {
    static const auto tok = [] {
        Writer w;
        w.set_string("general.architecture", "bitnet");
        tern::write_synthetic_spm_vocab(512, w);
        return tok_test::load(w, "bitnet");
    }();
    return *tok;
}

int32_t id(const std::string& text) {
    const int32_t i = synthetic().find_token(text);
    EXPECT_GE(i, 0) << show(text) << " is not in the vocabulary";
    return i;
}

std::vector<std::string> texts(const std::vector<int32_t>& ids) {
    std::vector<std::string> out;
    for (int32_t i : ids) out.emplace_back(synthetic().token_text(i));
    return out;
}
using V = std::vector<std::string>;

TEST(TokenizerSyntheticSpm, LayoutAndSpecialIds) {
    const auto& t = synthetic();
    EXPECT_EQ(t.n_vocab(), 512);
    EXPECT_EQ(t.token_text(0), "<unk>");
    EXPECT_EQ(t.token_text(1), "<s>");
    EXPECT_EQ(t.token_text(2), "</s>");
    EXPECT_EQ(t.token_text(3), "<0x00>");
    EXPECT_EQ(t.token_text(258), "<0xFF>");
    EXPECT_EQ(t.token_text(259), kMark);
    EXPECT_EQ(t.bos(), 1);
    EXPECT_EQ(t.eos(), 2);
    EXPECT_EQ(t.eot(), -1);
    EXPECT_TRUE(t.is_end_of_generation(2));
    EXPECT_FALSE(t.is_end_of_generation(1));
}

TEST(TokenizerSyntheticSpm, ExactSizeUniqueAndDeterministic) {
    for (int n : {512, 1000, 32000}) {
        Writer a, b;
        tern::write_synthetic_spm_vocab(n, a);
        tern::write_synthetic_spm_vocab(n, b);
        EXPECT_EQ(a.to_bytes(), b.to_bytes()) << n;
        const auto tok = tok_test::load(a, "bitnet");
        ASSERT_EQ(tok->n_vocab(), n);
        std::set<std::string> seen;
        for (int i = 0; i < n; ++i) seen.emplace(tok->token_text(i));
        EXPECT_EQ(seen.size(), static_cast<size_t>(n)) << "duplicate pieces at n = " << n;
    }
    Writer w;
    EXPECT_THROW(tern::write_synthetic_spm_vocab(511, w), tern::Error);
}

TEST(TokenizerSpm, ListedWordsAreSingleTokens) {
    // "▁the▁of▁and": only the "▁t", "▁th", "▁the" ... chains can merge.
    EXPECT_EQ(texts(synthetic().encode("the of and", false, false)), (V{kMark + "the", kMark + "of", kMark + "and"}));
    EXPECT_EQ(texts(synthetic().encode("I was", false, false)), (V{kMark + "I", kMark + "was"}));
}

TEST(TokenizerSpm, AddBosAndSpacePrefix) {
    EXPECT_EQ(synthetic().encode("the", true, false), (std::vector<int32_t>{1, id(kMark + "the")}));
    EXPECT_EQ(synthetic().encode("", true, false), (std::vector<int32_t>{1}));
    EXPECT_EQ(synthetic().encode("", false, false), (std::vector<int32_t>{}));
    // Two spaces: the prefix space and the text's own; "▁▁" is not a piece.
    EXPECT_EQ(texts(synthetic().encode(" the", false, false)), (V{kMark, kMark + "the"}));
}

TEST(TokenizerSpm, UnlistedWordsStopWhereTheChainEnds) {
    EXPECT_EQ(texts(synthetic().encode("thx", false, false)), (V{kMark + "th", "x"}));
}

TEST(TokenizerSpm, ByteFallbackForCharactersNotInTheVocabulary) {
    // "é" = C3 A9; "▁é" is not a piece, so "▁" stays alone and é is spelled in bytes.
    EXPECT_EQ(synthetic().encode("é", false, false), (std::vector<int32_t>{259, 3 + 0xC3, 3 + 0xA9}));
    EXPECT_EQ(texts(synthetic().encode("a\x01", false, false)), (V{kMark + "a", "<0x01>"}));
    EXPECT_EQ(synthetic().token_bytes(3 + 0x41), "A");
}

TEST(TokenizerSpm, SpecialTokensOnlyWhenParsed) {
    // After a special token the next text gets its own prefix space, as SentencePiece does per chunk.
    EXPECT_EQ(synthetic().encode("<s>the", false, true), (std::vector<int32_t>{1, id(kMark + "the")}));
    EXPECT_EQ(texts(synthetic().encode("<s>the", false, false)), (V{kMark, "<", "s", ">", "t", "h", "e"}));
}

TEST(TokenizerSpm, DecodeDropsThePrefixSpaceAfterBos) {
    const auto& t = synthetic();
    for (const std::string text : {"the of and", " the", "the  the ", "Hello, world! 😀 café", "tabs\tand\nnewlines",
                                   "中文 text", "x", "<s> literal", "  two leading"}) {
        EXPECT_EQ(t.decode(t.encode(text, true, false)), text) << show(text);
    }
    // Without BOS there is no telling the prefix space from a real one: it stays.
    EXPECT_EQ(t.decode(t.encode("the", false, false)), " the");
    EXPECT_EQ(t.decode(t.encode("the", true, false), /*render_special=*/true), "<s>the");
}

TEST(TokenizerSpm, StreamDecoderMatchesDecode) {
    const auto& t = synthetic();
    const std::string text = "the café was 😀 hot";
    const auto ids = t.encode(text, true, false);
    tern::StreamDecoder dec(t);
    std::string all;
    for (int32_t i : ids) {
        const std::string chunk = dec.push(i);
        EXPECT_TRUE(tern::unicode::is_valid_utf8(chunk)) << show(chunk);
        all += chunk;
    }
    all += dec.flush();
    EXPECT_EQ(all, text);
}

// A hand-made vocabulary without byte tokens, to see the score order and the unknown token.
std::unique_ptr<tern::Tokenizer> hand_made(float ab_score, float bc_score) {
    Writer w;
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_array_string("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", kMark, "a", "b", "c", "ab", "bc"});
    w.set_array_f32("tokenizer.ggml.scores", {0, 0, 0, -1, -2, -2, -2, ab_score, bc_score});
    w.set_array_i32("tokenizer.ggml.token_type", {2, 3, 3, 1, 1, 1, 1, 1, 1});
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_u32("tokenizer.ggml.eos_token_id", 2);
    w.set_bool("tokenizer.ggml.add_space_prefix", false);
    return tok_test::load(w, "bitnet");
}

TEST(TokenizerSpm, HigherScoringPairMergesFirst) {
    EXPECT_EQ(hand_made(-1.0f, -5.0f)->encode("abc", false, false), (std::vector<int32_t>{7, 6}));  // ab c
    EXPECT_EQ(hand_made(-5.0f, -1.0f)->encode("abc", false, false), (std::vector<int32_t>{4, 8}));  // a bc
    // Equal scores: the leftmost pair.
    EXPECT_EQ(hand_made(-1.0f, -1.0f)->encode("abc", false, false), (std::vector<int32_t>{7, 6}));
}

TEST(TokenizerSpm, UnknownTokenWithoutByteTokens) {
    const auto tok = hand_made(-1.0f, -1.0f);
    // No prefix space here (add_space_prefix = false); "d" has no piece and no byte tokens.
    EXPECT_EQ(tok->encode("ab d", false, false), (std::vector<int32_t>{7, 3, 0}));
    EXPECT_EQ(tok->token_bytes(0), "");
    EXPECT_EQ(tok->token_bytes(0, true), "<unk>");
}

}  // namespace
