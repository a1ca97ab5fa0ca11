#pragma once
// The little Unicode the tokenizers need: strict UTF-8 decoding/encoding and the character
// classes of the Llama-3 pre-tokenizer regex. The class table is generated from Python's
// unicodedata by scripts/gen_unicode_tables.py.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::unicode {

// Mutually exclusive classes: \p{L}, \p{N}, JavaScript's \s, and the rest.
enum class CharClass : uint8_t { Other = 0, Letter = 1, Number = 2, Whitespace = 3 };

CharClass classify(char32_t cp);
// The Unicode version the class table was generated from ("14.0.0").
const char* table_version();

enum class Utf8Status : uint8_t {
    Ok,         // a complete, valid sequence
    Invalid,    // ill-formed: len bytes (the maximal ill-formed subpart) can never become valid
    Truncated,  // a valid start that the input ends in the middle of
};

struct Utf8Char {
    char32_t cp = 0;      // the code point when status is Ok
    uint8_t len = 1;      // bytes consumed (Ok, Invalid), or bytes available (Truncated)
    Utf8Status status = Utf8Status::Ok;
};

// Decodes the sequence starting at s[pos] (pos < s.size()). Rejects overlong forms, surrogates
// and code points above U+10FFFF, as the Unicode standard requires.
Utf8Char decode_utf8(std::string_view s, size_t pos);

void append_utf8(std::string& out, char32_t cp);

// Byte length of the longest prefix of `s` that does not end inside a possibly-valid sequence:
// everything except a Truncated tail. Invalid bytes before that are part of the prefix.
size_t complete_prefix_len(std::string_view s);

// Copies `s`, replacing each ill-formed subpart (and a Truncated tail) with one U+FFFD.
std::string sanitize_utf8(std::string_view s);

bool is_valid_utf8(std::string_view s);

namespace detail {
struct ClassRange {
    char32_t first;
    char32_t last;
    CharClass cls;
};
extern const ClassRange kClassRanges[];
extern const size_t kClassRangeCount;
extern const char* const kUnicodeVersion;
}  // namespace detail

}  // namespace tern::unicode
