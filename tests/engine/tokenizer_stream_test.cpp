// StreamDecoder: text comes out as soon as it is whole, never half a UTF-8 character.
#include <gtest/gtest.h>

#include "tokenizer/byte_level.h"
#include "tokenizer/unicode.h"
#include "tokenizer_test_util.h"

namespace {

using tok_test::llama3;
using tok_test::show;

bool has_non_ascii(const std::string& s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    return false;
}

// The token that stands for the single raw byte `b`.
int32_t byte_token(uint8_t b) { return llama3().find_token(tern::byte_level::byte_text(b)); }

TEST(TokenizerStream, NonAsciiCasesStreamBackToTheText) {
    size_t streamed = 0;
    for (const auto& c : tok_test::reference_cases()) {
        if (c.special || !has_non_ascii(c.text)) continue;
        tern::StreamDecoder dec(llama3());
        std::string all;
        for (int32_t id : c.ids) {
            const std::string chunk = dec.push(id);
            EXPECT_TRUE(tern::unicode::is_valid_utf8(chunk)) << show(c.text) << " chunk " << show(chunk);
            all += chunk;
        }
        all += dec.flush();
        EXPECT_EQ(all, c.text) << show(c.text);
        ++streamed;
    }
    EXPECT_GE(streamed, 50u);
}

TEST(TokenizerStream, HoldsBackHalfACharacter) {
    // "😀" is two tokens: the first three bytes, then the last one.
    ASSERT_EQ(llama3().encode("😀", false, false), (std::vector<int32_t>{76460, 222}));
    tern::StreamDecoder dec(llama3());
    EXPECT_EQ(dec.push(9906), "Hello");
    EXPECT_EQ(dec.push(76460), "");
    EXPECT_EQ(dec.push(222), "😀");
    EXPECT_EQ(dec.flush(), "");
}

TEST(TokenizerStream, FlushReplacesAnUnfinishedCharacter) {
    tern::StreamDecoder dec(llama3());
    EXPECT_EQ(dec.push(76460), "");
    EXPECT_EQ(dec.flush(), "\xEF\xBF\xBD");
    EXPECT_EQ(dec.flush(), "");
}

TEST(TokenizerStream, BytesThatCanNeverBeValidAreReplacedAtOnce) {
    tern::StreamDecoder dec(llama3());
    EXPECT_EQ(dec.push(byte_token(0xFF)), "\xEF\xBF\xBD");
    // A lead byte followed by something that is not a continuation byte.
    EXPECT_EQ(dec.push(byte_token(0xE4)), "");
    EXPECT_EQ(dec.push(64), "\xEF\xBF\xBD" "a");
}

TEST(TokenizerStream, ControlTokensOnlyWhenRendered) {
    tern::StreamDecoder plain(llama3());
    EXPECT_EQ(plain.push(128009), "");
    tern::StreamDecoder rendered(llama3(), /*render_special=*/true);
    EXPECT_EQ(rendered.push(128009), "<|eot_id|>");
}

}  // namespace
