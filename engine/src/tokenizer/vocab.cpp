#include "tokenizer/vocab.h"

#include <spdlog/spdlog.h>

#include "tern/error.h"

namespace tern {

namespace {

using gguf::ValueType;

[[noreturn]] void fail(const gguf::File& f, std::string_view key, const std::string& what) {
    throw Error(f.path() + ": " + std::string(key) + " " + what);
}

bool is_numeric(ValueType t) {
    return t != ValueType::STRING && t != ValueType::ARRAY && t != ValueType::BOOL;
}

const gguf::Value* find_array(const gguf::File& f, std::string_view key) {
    const gguf::Value* v = f.find(key);
    if (v && v->type != ValueType::ARRAY) {
        fail(f, key, std::string("should be an array but is ") + gguf::value_type_name(v->type));
    }
    return v;
}

std::vector<std::string> read_strings(const gguf::File& f, std::string_view key) {
    const gguf::Value* v = find_array(f, key);
    if (!v) fail(f, key, "is missing");
    if (v->elem_type != ValueType::STRING) {
        fail(f, key, std::string("should hold strings but holds ") + gguf::value_type_name(v->elem_type));
    }
    return {v->strings.begin(), v->strings.end()};
}

// A numeric per-token array (scores, token types): absent is fine, a wrong length is not.
const gguf::Value* find_per_token_array(const gguf::File& f, std::string_view key, size_t n_tokens) {
    const gguf::Value* v = find_array(f, key);
    if (!v) return nullptr;
    if (!is_numeric(v->elem_type)) {
        fail(f, key, std::string("should hold numbers but holds ") + gguf::value_type_name(v->elem_type));
    }
    if (v->count != n_tokens) {
        fail(f, key, "has " + std::to_string(v->count) + " entries but tokenizer.ggml.tokens has " +
                         std::to_string(n_tokens));
    }
    return v;
}

// A token id key: -1 when absent; out of range is an error (a model that points BOS at a token
// that does not exist cannot be run correctly).
int32_t read_token_id(const gguf::File& f, std::string_view key, size_t n_tokens) {
    const gguf::Value* v = f.find(key);
    if (!v) return -1;
    if (!v->is_integer()) fail(f, key, std::string("should be an integer but is ") + gguf::value_type_name(v->type));
    const bool is_signed = v->type == ValueType::INT8 || v->type == ValueType::INT16 ||
                           v->type == ValueType::INT32 || v->type == ValueType::INT64;
    if (is_signed && v->i == -1) return -1;  // some converters write -1 for "none"
    const bool in_range = is_signed ? (v->i >= 0 && static_cast<uint64_t>(v->i) < n_tokens) : v->u < n_tokens;
    if (!in_range) {
        const std::string shown = is_signed ? std::to_string(v->i) : std::to_string(v->u);
        fail(f, key, "is " + shown + ", outside the vocabulary of " + std::to_string(n_tokens) + " tokens");
    }
    const int64_t id = is_signed ? v->i : static_cast<int64_t>(v->u);
    return static_cast<int32_t>(id);
}

}  // namespace

VocabData read_vocab(const gguf::File& f) {
    VocabData d;
    d.source = f.path();

    const auto model = f.get_string("tokenizer.ggml.model");
    if (!model) fail(f, "tokenizer.ggml.model", "is missing: the file has no tokenizer");
    d.model = *model;
    d.pre = f.get_string("tokenizer.ggml.pre");

    d.tokens = read_strings(f, "tokenizer.ggml.tokens");
    const size_t n = d.tokens.size();
    if (n == 0) fail(f, "tokenizer.ggml.tokens", "is empty");
    if (n > static_cast<size_t>(INT32_MAX)) fail(f, "tokenizer.ggml.tokens", "has too many entries");

    d.scores.assign(n, 0.0f);
    if (const gguf::Value* s = find_per_token_array(f, "tokenizer.ggml.scores", n)) {
        for (size_t i = 0; i < n; ++i) d.scores[i] = static_cast<float>(s->float_at(i));
    }
    d.types.assign(n, TokenType::Normal);
    if (const gguf::Value* t = find_per_token_array(f, "tokenizer.ggml.token_type", n)) {
        for (size_t i = 0; i < n; ++i) {
            const int64_t ty = t->int_at(i);
            if (ty < 0 || ty > static_cast<int64_t>(TokenType::Byte)) {
                fail(f, "tokenizer.ggml.token_type", "has the unknown type " + std::to_string(ty) +
                                                         " for token " + std::to_string(i));
            }
            d.types[i] = static_cast<TokenType>(ty);
        }
    }

    if (f.find("tokenizer.ggml.merges")) d.merges = read_strings(f, "tokenizer.ggml.merges");

    d.bos = read_token_id(f, "tokenizer.ggml.bos_token_id", n);
    d.eos = read_token_id(f, "tokenizer.ggml.eos_token_id", n);
    d.unk = read_token_id(f, "tokenizer.ggml.unknown_token_id", n);
    d.eot = read_token_id(f, "tokenizer.ggml.eot_token_id", n);
    try {
        d.pad = read_token_id(f, "tokenizer.ggml.padding_token_id", n);
    } catch (const Error& e) {
        // Padding is never used for generation; a bad value should not stop a model from loading.
        spdlog::warn("{} (ignored)", e.what());
    }
    d.add_bos = f.get_bool("tokenizer.ggml.add_bos_token");
    d.add_space_prefix = f.get_bool("tokenizer.ggml.add_space_prefix");
    return d;
}

}  // namespace tern
