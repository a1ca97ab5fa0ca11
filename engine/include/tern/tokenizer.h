#pragma once
// Tokenizers read from a model file: byte-level BPE (`gpt2`, Llama-3 pre-tokenizer) and
// SentencePiece-style `llama` vocabularies.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // add_bos: prepend BOS when the vocabulary says so (tokenizer.ggml.add_bos_token, default true).
    // parse_special: recognise control tokens such as "<|eot_id|>" written in the text.
    virtual std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const = 0;
    // The raw bytes a token stands for (may be part of a UTF-8 character). Control tokens give
    // their text ("<|eot_id|>") only when render_special is true, else "".
    virtual std::string token_bytes(int32_t id, bool render_special = false) const = 0;

    std::string decode(std::span<const int32_t> ids, bool render_special = false) const;
    // token_bytes(id) as it reads right after token `prev` (-1: none). Differs only for
    // SentencePiece vocabularies, whose encoder puts a space in front of the text: the space of
    // the first token after BOS is dropped so that decode(encode(text, add_bos=true)) == text.
    std::string decode_piece(int32_t prev, int32_t id, bool render_special = false) const;

    int32_t n_vocab() const { return n_vocab_; }
    int32_t bos() const { return bos_; }                // -1 when none
    int32_t eos() const { return eos_; }
    int32_t eot() const { return eot_; }                // <|eot_id|> when the vocab has it, else -1
    bool add_bos_default() const { return add_bos_; }
    // True for tokens that end a generation (EOS, EOT, <|end_of_text|>).
    bool is_end_of_generation(int32_t id) const;
    // The vocabulary's text for a token, as stored ("Ġthe", "<|eot_id|>").
    virtual std::string_view token_text(int32_t id) const = 0;
    virtual int32_t find_token(std::string_view text) const = 0;  // -1 when absent

protected:
    int32_t n_vocab_ = 0;
    int32_t bos_ = -1, eos_ = -1, eot_ = -1;
    bool add_bos_ = true;
    bool strip_space_after_bos_ = false;  // see decode_piece
    std::vector<int32_t> end_of_generation_;
};

// Turns a stream of token ids into text without ever emitting half a UTF-8 character.
class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tok, bool render_special = false)
        : tok_(tok), render_special_(render_special) {}
    // Text that became complete with this token (possibly empty).
    std::string push(int32_t id);
    // Whatever is still pending (invalid trailing bytes are replaced by U+FFFD).
    std::string flush();

private:
    const Tokenizer& tok_;
    bool render_special_;
    std::string pending_;
    int32_t prev_ = -1;  // the previous token, for Tokenizer::decode_piece
};

}  // namespace tern
