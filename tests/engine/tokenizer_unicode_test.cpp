// UTF-8 handling, the generated character classes, the GPT-2 byte alphabet and the Llama-3
// pre-tokenizer split on its own.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokenizer/byte_level.h"
#include "tokenizer/llama3_pretokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer_test_util.h"

namespace {

using namespace tern;
using unicode::CharClass;

TEST(TokenizerUnicode, ClassesFollowJavaScriptRegex) {
    EXPECT_EQ(unicode::classify(U'a'), CharClass::Letter);
    EXPECT_EQ(unicode::classify(U'\u00E9'), CharClass::Letter);   // é
    EXPECT_EQ(unicode::classify(U'\u4E2D'), CharClass::Letter);   // 中
    EXPECT_EQ(unicode::classify(U'\u02B0'), CharClass::Letter);   // modifier letter (Lm)
    EXPECT_EQ(unicode::classify(U'7'), CharClass::Number);
    EXPECT_EQ(unicode::classify(U'\u00BD'), CharClass::Number);   // ½ (No)
    EXPECT_EQ(unicode::classify(U'\u2167'), CharClass::Number);   // Ⅷ (Nl)
    EXPECT_EQ(unicode::classify(U'\u0663'), CharClass::Number);   // Arabic-Indic 3
    EXPECT_EQ(unicode::classify(U' '), CharClass::Whitespace);
    EXPECT_EQ(unicode::classify(U'\u00A0'), CharClass::Whitespace);
    EXPECT_EQ(unicode::classify(U'\u3000'), CharClass::Whitespace);
    EXPECT_EQ(unicode::classify(U'\u2028'), CharClass::Whitespace);
    // JavaScript's \s, not Unicode White_Space: BOM yes, NEL no.
    EXPECT_EQ(unicode::classify(U'\uFEFF'), CharClass::Whitespace);
    EXPECT_EQ(unicode::classify(U'\u0085'), CharClass::Other);
    EXPECT_EQ(unicode::classify(U'\u200B'), CharClass::Other);    // zero width space is Cf
    EXPECT_EQ(unicode::classify(U'\u0301'), CharClass::Other);    // combining mark
    EXPECT_EQ(unicode::classify(U'!'), CharClass::Other);
    EXPECT_EQ(unicode::classify(U'\U0001F600'), CharClass::Other); // 😀
    EXPECT_EQ(unicode::classify(U'\U00020000'), CharClass::Letter); // CJK Extension B
    EXPECT_STRNE(unicode::table_version(), "");
}

TEST(TokenizerUnicode, DecodeRejectsIllFormedSequences) {
    auto status = [](std::string_view s) { return unicode::decode_utf8(s, 0).status; };
    EXPECT_EQ(status("\xC3\xA9"), unicode::Utf8Status::Ok);
    EXPECT_EQ(unicode::decode_utf8("\xF0\x9F\x98\x80", 0).cp, U'\U0001F600');
    EXPECT_EQ(status("\xC0\xAF"), unicode::Utf8Status::Invalid);          // overlong
    EXPECT_EQ(status("\xE0\x80\xAF"), unicode::Utf8Status::Invalid);      // overlong
    EXPECT_EQ(status("\xED\xA0\x80"), unicode::Utf8Status::Invalid);      // surrogate
    EXPECT_EQ(status("\xF4\x90\x80\x80"), unicode::Utf8Status::Invalid);  // above U+10FFFF
    EXPECT_EQ(status("\x80"), unicode::Utf8Status::Invalid);
    EXPECT_EQ(status("\xF0\x9F\x98"), unicode::Utf8Status::Truncated);
    EXPECT_EQ(status("\xE2"), unicode::Utf8Status::Truncated);
}

TEST(TokenizerUnicode, SanitizeAndCompletePrefix) {
    EXPECT_EQ(unicode::sanitize_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(unicode::sanitize_utf8("a\xE2\x82"), "a\xEF\xBF\xBD");       // one U+FFFD for a cut-off character
    EXPECT_EQ(unicode::sanitize_utf8("\xE2\x82" "A"), "\xEF\xBF\xBD" "A");
    EXPECT_EQ(unicode::complete_prefix_len("ab\xF0\x9F"), 2u);
    EXPECT_EQ(unicode::complete_prefix_len("ab\xFF"), 3u);                // never valid: not held back
    EXPECT_TRUE(unicode::is_valid_utf8("héllo 😀"));
    EXPECT_FALSE(unicode::is_valid_utf8("h\xC3"));
}

TEST(TokenizerByteLevel, AlphabetRoundTripsEveryByte) {
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    std::string text, back;
    byte_level::encode(all, text);
    ASSERT_TRUE(byte_level::decode(text, back));
    EXPECT_EQ(back, all);
    EXPECT_EQ(byte_level::byte_text(' '), "\xC4\xA0");   // Ġ
    EXPECT_EQ(byte_level::byte_text('\n'), "\xC4\x8A");  // Ċ
    EXPECT_EQ(byte_level::byte_text('A'), "A");
    EXPECT_FALSE(byte_level::decode("\xE4\xB8\xAD", back));  // 中 is not in the alphabet
}

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string_view> parts;
    llama3_pretokenize(text, parts);
    return {parts.begin(), parts.end()};
}
using V = std::vector<std::string>;

TEST(TokenizerLlama3Split, Words) {
    EXPECT_EQ(split("Hello world"), (V{"Hello", " world"}));
    EXPECT_EQ(split("read_file"), (V{"read", "_file"}));
    EXPECT_EQ(split("\"quoted\""), (V{"\"quoted", "\""}));
    EXPECT_EQ(split(""), V{});
}

TEST(TokenizerLlama3Split, Contractions) {
    EXPECT_EQ(split("don't"), (V{"don", "'t"}));
    EXPECT_EQ(split("I'M"), (V{"I", "'M"}));
    EXPECT_EQ(split("we'Ll"), (V{"we", "'Ll"}));
    EXPECT_EQ(split("'sam"), (V{"'s", "am"}));
    EXPECT_EQ(split("'x"), (V{"'x"}));
}

TEST(TokenizerLlama3Split, Numbers) {
    EXPECT_EQ(split("1234567"), (V{"123", "456", "7"}));
    EXPECT_EQ(split("x 12"), (V{"x", " ", "12"}));
    EXPECT_EQ(split("3.14"), (V{"3", ".", "14"}));
}

TEST(TokenizerLlama3Split, Whitespace) {
    EXPECT_EQ(split("a   b"), (V{"a", "  ", " b"}));
    EXPECT_EQ(split("a \n\n b"), (V{"a", " \n\n", " b"}));
    EXPECT_EQ(split("a\t\tb"), (V{"a", "\t", "\tb"}));
    EXPECT_EQ(split("tail  "), (V{"tail", "  "}));
    EXPECT_EQ(split("x \n y\n"), (V{"x", " \n", " y", "\n"}));
    EXPECT_EQ(split("end.\n\n"), (V{"end", ".\n\n"}));
    EXPECT_EQ(split(" !!"), (V{" !!"}));
    EXPECT_EQ(split("  !!"), (V{" ", " !!"}));
}

TEST(TokenizerLlama3Split, InvalidBytesAreKept) {
    EXPECT_EQ(split("a\xFF" "b"), (V{"a", "\xFF" "b"}));
}

}  // namespace
