#include "tokenizer/unicode.h"

#include <algorithm>
#include <array>

namespace tern::unicode {

namespace {

// ASCII is most of real text, so it gets a table instead of a binary search (built at compile
// time, so it is usable during other files' static initialisation too).
constexpr std::array<CharClass, 128> kAscii = [] {
    std::array<CharClass, 128> cls{};
    for (int c = 0; c < 128; ++c) {
        CharClass k = CharClass::Other;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) k = CharClass::Letter;
        else if (c >= '0' && c <= '9') k = CharClass::Number;
        else if (c == ' ' || (c >= 0x09 && c <= 0x0D)) k = CharClass::Whitespace;
        cls[static_cast<size_t>(c)] = k;
    }
    return cls;
}();

bool is_continuation(uint8_t b) { return (b & 0xC0) == 0x80; }

}  // namespace

CharClass classify(char32_t cp) {
    if (cp < 128) return kAscii[cp];
    const auto* begin = detail::kClassRanges;
    const auto* end = begin + detail::kClassRangeCount;
    // First range whose last >= cp; it contains cp only if first <= cp.
    const auto* it = std::lower_bound(begin, end, cp,
                                      [](const detail::ClassRange& r, char32_t v) { return r.last < v; });
    if (it != end && it->first <= cp) return it->cls;
    return CharClass::Other;
}

const char* table_version() { return detail::kUnicodeVersion; }

Utf8Char decode_utf8(std::string_view s, size_t pos) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data()) + pos;
    const size_t avail = s.size() - pos;
    const uint8_t b0 = p[0];
    if (b0 < 0x80) return {b0, 1, Utf8Status::Ok};

    size_t need;
    char32_t cp;
    // The allowed range of the second byte narrows for E0/ED/F0/F4, which is how overlongs,
    // surrogates and values above U+10FFFF are excluded (Unicode table 3-7).
    uint8_t lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) { need = 2; cp = b0 & 0x1F; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3; cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4; cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return {0, 1, Utf8Status::Invalid};
    }

    for (size_t k = 1; k < need; ++k) {
        if (k >= avail) return {0, static_cast<uint8_t>(avail), Utf8Status::Truncated};
        const uint8_t b = p[k];
        const bool ok = k == 1 ? (b >= lo && b <= hi) : is_continuation(b);
        // The maximal ill-formed subpart (the lead byte and the continuation bytes that fitted)
        // becomes one error, as the Unicode standard recommends for U+FFFD substitution.
        if (!ok) return {0, static_cast<uint8_t>(k), Utf8Status::Invalid};
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, static_cast<uint8_t>(need), Utf8Status::Ok};
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

size_t complete_prefix_len(std::string_view s) {
    size_t pos = 0;
    while (pos < s.size()) {
        const Utf8Char c = decode_utf8(s, pos);
        if (c.status == Utf8Status::Truncated) return pos;
        pos += c.len;
    }
    return pos;
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t pos = 0;
    while (pos < s.size()) {
        const Utf8Char c = decode_utf8(s, pos);
        if (c.status == Utf8Status::Ok) out.append(s.substr(pos, c.len));
        else append_utf8(out, 0xFFFD);
        pos += c.len;
    }
    return out;
}

bool is_valid_utf8(std::string_view s) {
    size_t pos = 0;
    while (pos < s.size()) {
        const Utf8Char c = decode_utf8(s, pos);
        if (c.status != Utf8Status::Ok) return false;
        pos += c.len;
    }
    return true;
}

}  // namespace tern::unicode
