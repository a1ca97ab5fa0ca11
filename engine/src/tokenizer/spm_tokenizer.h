#pragma once
// SentencePiece-style vocabularies (tokenizer.ggml.model = "llama"), used by the older 1bitLLM
// `bitnet` models.
//
// Encoding, as llama.cpp does it for these files:
//  - the text is split on special tokens first; each raw-text fragment that starts the text or
//    follows a special token gets a space in front when add_space_prefix is set (default true),
//    as the original SentencePiece/HF-legacy tokenizer does per chunk;
//  - spaces become "▁" (U+2581);
//  - starting from single characters, the adjacent pair whose concatenation is the
//    highest-scoring vocabulary piece is merged, again and again (ties: leftmost first);
//  - a character that no piece covers is spelled as its UTF-8 bytes with the <0xXX> byte tokens
//    (or the unknown token when the vocabulary has no byte tokens).
// Only normal and user-defined pieces take part in merges, so literal "<s>" in text never turns
// into a control token unless parse_special asks for it.
//
// Decoding turns "▁" back into spaces and <0xXX> tokens into their byte. The space the encoder
// added is dropped from the first token after BOS (Tokenizer::decode_piece), so
// decode(encode(text, add_bos=true)) == text; without BOS the leading space stays, as there is
// no way to tell it from a real one.
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/vocab_tokenizer.h"

namespace tern {

class SpmTokenizer final : public VocabTokenizer {
public:
    // Throws tern::Error when the vocabulary has neither byte tokens nor an unknown token.
    explicit SpmTokenizer(VocabData vocab);

    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string token_bytes(int32_t id, bool render_special = false) const override;

private:
    void encode_text(std::string_view text, std::vector<int32_t>& out) const;
    // The id of a piece that may be produced from text (normal or user-defined), else -1.
    int32_t find_piece(std::string_view piece) const;
    void emit_bytes(std::string_view piece, std::vector<int32_t>& out) const;

    bool add_space_prefix_ = true;
    int32_t unk_ = -1;
    int32_t byte_token_[256];   // <0xXX> token of each byte, -1 when the vocabulary lacks it
    std::vector<std::string> bytes_;  // what each token decodes to (control tokens: "")
};

}  // namespace tern
