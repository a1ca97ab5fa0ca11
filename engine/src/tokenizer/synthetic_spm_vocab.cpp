// A small SentencePiece-style vocabulary for synthetic models and tests. Deterministic: the same
// n_vocab always gives the same file.
//
// Layout: 0 <unk>, 1 <s>, 2 </s>, 3..258 the byte tokens <0x00>..<0xFF>, then scored pieces:
// "▁" and the printable ASCII characters, then for each common English word every prefix of
// "▁word" ("▁t", "▁th", "▁the") and a few word-internal endings ("in", "ing"), then filler
// pieces up to n_vocab. A piece's score falls with its position. SentencePiece merging joins two
// adjacent pieces only when their concatenation is a piece, so the prefix chains are what make
// "▁the" reachable from "▁", "t", "h", "e": listed words come out as one token each.
#include <string>
#include <unordered_set>
#include <vector>

#include "tern/error.h"
#include "tokenizer/hf_import.h"
#include "tokenizer/vocab.h"

namespace tern {

namespace {

constexpr const char* kSpace = "\xE2\x96\x81";  // "▁"

// Frequent English words, most frequent first (a fixed list: the vocabulary must not change).
constexpr const char* kWords[] = {
    "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are",
    "with", "as", "I", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by",
    "hot", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when",
    "up", "use", "your", "how", "said", "an", "each", "she", "which", "do", "their", "time", "if",
    "will", "way", "about", "many", "then", "them", "write", "would", "like", "so", "these", "her",
    "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go", "come",
    "did", "number", "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call",
    "first", "who", "may", "down", "side", "been", "now", "find", "Hello", "The", "It", "This",
    "world", "model", "token", "text", "cat", "dog", "quick", "brown", "fox", "jumps", "lazy",
};

// Endings that let unknown words split into something better than single letters.
constexpr const char* kEndings[] = {"ing", "ed", "er", "ly", "es", "tion", "ment", "est"};

class Builder {
public:
    void add(std::string text, float score, TokenType type) {
        if (!seen_.insert(text).second) return;
        tokens_.push_back(std::move(text));
        scores_.push_back(score);
        types_.push_back(static_cast<int32_t>(type));
    }
    // A normal piece; each one scores below the one before it.
    void add_piece(const std::string& text) { add(text, -static_cast<float>(pieces_++), TokenType::Normal); }
    // Every prefix of `text` of at least `min_len` bytes (ASCII plus the leading "▁").
    void add_chain(const std::string& text, size_t min_len) {
        for (size_t len = min_len; len <= text.size(); ++len) add_piece(text.substr(0, len));
    }
    size_t size() const { return tokens_.size(); }
    void write(int n_vocab, gguf::Writer& w) {
        tokens_.resize(static_cast<size_t>(n_vocab));
        scores_.resize(static_cast<size_t>(n_vocab));
        types_.resize(static_cast<size_t>(n_vocab));
        w.set_string("tokenizer.ggml.model", "llama");
        w.set_array_string("tokenizer.ggml.tokens", tokens_);
        w.set_array_f32("tokenizer.ggml.scores", scores_);
        w.set_array_i32("tokenizer.ggml.token_type", types_);
        w.set_u32("tokenizer.ggml.unknown_token_id", 0);
        w.set_u32("tokenizer.ggml.bos_token_id", 1);
        w.set_u32("tokenizer.ggml.eos_token_id", 2);
        w.set_bool("tokenizer.ggml.add_bos_token", true);
        w.set_bool("tokenizer.ggml.add_space_prefix", true);
    }

private:
    std::vector<std::string> tokens_;
    std::vector<float> scores_;
    std::vector<int32_t> types_;
    std::unordered_set<std::string> seen_;
    int pieces_ = 0;
};

// "a", "b", ..., "z", "aa", "ab", ...: the k-th lowercase name.
std::string filler_name(size_t k) {
    std::string s;
    ++k;
    while (k > 0) {
        --k;
        s.insert(s.begin(), static_cast<char>('a' + k % 26));
        k /= 26;
    }
    return s;
}

}  // namespace

void write_synthetic_spm_vocab(int n_vocab, gguf::Writer& w) {
    if (n_vocab < 512) throw Error("write_synthetic_spm_vocab: n_vocab must be at least 512, got " + std::to_string(n_vocab));
    Builder b;
    b.add("<unk>", 0.0f, TokenType::Unknown);
    b.add("<s>", 0.0f, TokenType::Control);
    b.add("</s>", 0.0f, TokenType::Control);
    for (int byte = 0; byte < 256; ++byte) {
        static const char* hex = "0123456789ABCDEF";
        b.add(std::string("<0x") + hex[byte >> 4] + hex[byte & 15] + ">", 0.0f, TokenType::Byte);
    }

    const std::string space = kSpace;
    b.add_piece(space);
    for (char c = '!'; c <= '~'; ++c) b.add_piece(std::string(1, c));
    for (const char* word : kWords) b.add_chain(space + word, space.size() + 1);
    for (const char* ending : kEndings) b.add_chain(ending, 2);
    for (size_t k = 0; b.size() < static_cast<size_t>(n_vocab); ++k) {
        const std::string name = filler_name(k);
        b.add_piece(space + name);
        b.add_piece(name);
    }
    b.write(n_vocab, w);  // the loop may overshoot by one: write trims to n_vocab
}

}  // namespace tern
