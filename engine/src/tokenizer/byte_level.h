#pragma once
// GPT-2's byte-level alphabet: every byte gets a printable code point so that BPE vocabularies
// can store arbitrary bytes as text. Bytes that are printable Latin-1 ('!'..'~', U+00A1..U+00AC,
// U+00AE..U+00FF) stand for themselves; the other 68 map, in byte order, to U+0100, U+0101, ...
// (so the space 0x20 is "Ġ" U+0120 and "\n" is "Ċ" U+010A).
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::byte_level {

// The UTF-8 text of the code point that stands for byte `b`.
const std::string& byte_text(uint8_t b);

// Appends the byte-level text of `bytes` ("hello world" -> "helloĠworld").
void encode(std::string_view bytes, std::string& out);

// Turns a vocabulary text back into the bytes it stands for. Returns false (leaving `out`
// partly written) when the text has a character outside the alphabet.
bool decode(std::string_view text, std::string& out);

}  // namespace tern::byte_level
