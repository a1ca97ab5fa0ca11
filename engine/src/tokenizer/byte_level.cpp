#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/unicode.h"

namespace tern::byte_level {

namespace {

bool stands_for_itself(unsigned b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Alphabet {
    std::array<std::string, 256> text;       // byte -> UTF-8 of its code point
    std::array<int16_t, 0x144> byte_of_cp;   // code point -> byte, -1 when not in the alphabet

    Alphabet() {
        byte_of_cp.fill(-1);
        char32_t next_extra = 0x100;
        for (unsigned b = 0; b < 256; ++b) {
            const char32_t cp = stands_for_itself(b) ? static_cast<char32_t>(b) : next_extra++;
            unicode::append_utf8(text[b], cp);
            byte_of_cp[cp] = static_cast<int16_t>(b);
        }
    }
};

const Alphabet& alphabet() {
    static const Alphabet a;
    return a;
}

}  // namespace

const std::string& byte_text(uint8_t b) { return alphabet().text[b]; }

void encode(std::string_view bytes, std::string& out) {
    const Alphabet& a = alphabet();
    for (char ch : bytes) out += a.text[static_cast<uint8_t>(ch)];
}

bool decode(std::string_view text, std::string& out) {
    const Alphabet& a = alphabet();
    size_t pos = 0;
    while (pos < text.size()) {
        const unicode::Utf8Char c = unicode::decode_utf8(text, pos);
        if (c.status != unicode::Utf8Status::Ok || c.cp >= a.byte_of_cp.size() || a.byte_of_cp[c.cp] < 0) {
            return false;
        }
        out += static_cast<char>(a.byte_of_cp[c.cp]);
        pos += c.len;
    }
    return true;
}

}  // namespace tern::byte_level
