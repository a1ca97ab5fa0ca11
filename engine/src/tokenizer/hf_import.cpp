// tokenizer.json (HF tokenizers, byte-level BPE) -> GGUF tokenizer keys, laid out like the
// official BitNet b1.58 2B4T file: scores 0 for base tokens and -1000 for added ones, token type
// 1 (normal) for base tokens and 3 (control) for added special tokens, no tokenizer.ggml.pre.
#include "tokenizer/hf_import.h"

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "tern/error.h"
#include "tokenizer/vocab.h"
#include "util/user_files.h"

namespace tern {

namespace {

using nlohmann::json;

constexpr float kBaseScore = 0.0f;
constexpr float kAddedScore = -1000.0f;

json read_json(const std::string& path) {
    const std::string text = read_text_file(path);  // refuses a FIFO, a device, a huge file
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw Error(path + ": not valid JSON (" + e.what() + ")");
    }
}

// A special token named in tokenizer_config.json: either "text" or {"content": "text", ...}.
std::optional<std::string> config_token(const json& config, const char* key) {
    auto it = config.find(key);
    if (it == config.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
        return (*it)["content"].get<std::string>();
    }
    return std::nullopt;
}

struct Table {
    std::string path;
    std::vector<std::optional<std::string>> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;

    void put(int64_t id, const std::string& text, float score, TokenType type) {
        if (id < 0 || id > INT32_MAX) throw Error(path + ": token " + json(text).dump() + " has the invalid id " + std::to_string(id));
        const auto i = static_cast<size_t>(id);
        if (i >= tokens.size()) {
            tokens.resize(i + 1);
            scores.resize(i + 1, kBaseScore);
            types.resize(i + 1, static_cast<int32_t>(TokenType::Normal));
        }
        if (tokens[i] && *tokens[i] != text) {
            throw Error(path + ": id " + std::to_string(id) + " is used by both " + json(*tokens[i]).dump() +
                        " and " + json(text).dump());
        }
        tokens[i] = text;
        scores[i] = score;
        types[i] = static_cast<int32_t>(type);
    }

    int32_t find(std::string_view text) const {
        for (size_t i = 0; i < tokens.size(); ++i) {
            if (tokens[i] && *tokens[i] == text) return static_cast<int32_t>(i);
        }
        return -1;
    }
};

std::vector<std::string> read_merges(const json& model, const std::string& path) {
    auto it = model.find("merges");
    if (it == model.end() || !it->is_array()) throw Error(path + ": model.merges is missing");
    std::vector<std::string> merges;
    merges.reserve(it->size());
    for (const json& m : *it) {
        if (m.is_string()) {
            merges.push_back(m.get<std::string>());  // "A B" (tokenizers < 0.20)
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());  // ["A", "B"]
        } else {
            throw Error(path + ": model.merges[" + std::to_string(merges.size()) + "] is neither \"A B\" nor [\"A\", \"B\"]");
        }
    }
    return merges;
}

}  // namespace

int import_hf_tokenizer(const std::string& path, gguf::Writer& w) {
    const json j = read_json(path);
    if (!j.is_object() || !j.contains("model") || !j["model"].is_object()) throw Error(path + ": no \"model\" object");
    const json& model = j["model"];
    if (model.contains("type") && model["type"] != "BPE") {
        throw Error(path + ": model.type is " + model["type"].dump() + "; only BPE can be imported");
    }
    if (!model.contains("vocab") || !model["vocab"].is_object()) throw Error(path + ": model.vocab is missing");

    Table t{path, {}, {}, {}};
    for (const auto& [text, id] : model["vocab"].items()) {
        if (!id.is_number_integer()) throw Error(path + ": model.vocab[" + json(text).dump() + "] is not an integer id");
        t.put(id.get<int64_t>(), text, kBaseScore, TokenType::Normal);
    }
    if (j.contains("added_tokens") && j["added_tokens"].is_array()) {
        for (const json& a : j["added_tokens"]) {
            if (!a.contains("id") || !a.contains("content")) throw Error(path + ": an added_tokens entry lacks id or content");
            const bool special = a.value("special", false);
            t.put(a["id"].get<int64_t>(), a["content"].get<std::string>(), kAddedScore,
                  special ? TokenType::Control : TokenType::UserDefined);
        }
    }
    for (size_t i = 0; i < t.tokens.size(); ++i) {
        if (!t.tokens[i]) throw Error(path + ": no token has id " + std::to_string(i) + " (ids must be 0..n-1 without gaps)");
    }
    const auto n = static_cast<int>(t.tokens.size());
    if (n == 0) throw Error(path + ": the vocabulary is empty");

    // BOS/EOS by Llama-3's names; tokenizer_config.json beside the file only as a fallback, since
    // an instruct config names <|eot_id|> as EOS while the official GGUF keeps <|end_of_text|>.
    json config;
    const auto config_path = std::filesystem::path(path).parent_path() / "tokenizer_config.json";
    if (std::filesystem::exists(config_path)) config = read_json(config_path.string());
    auto special_id = [&](const char* llama3_name, const char* config_key) {
        int32_t id = t.find(llama3_name);
        if (id < 0 && config.is_object()) {
            if (auto name = config_token(config, config_key)) id = t.find(*name);
        }
        return id;
    };
    const int32_t bos = special_id("<|begin_of_text|>", "bos_token");
    const int32_t eos = special_id("<|end_of_text|>", "eos_token");
    bool add_bos = true;
    if (config.is_object() && config.contains("add_bos_token") && config["add_bos_token"].is_boolean()) {
        add_bos = config["add_bos_token"].get<bool>();
    }

    std::vector<std::string> tokens;
    tokens.reserve(t.tokens.size());
    for (auto& tok : t.tokens) tokens.push_back(std::move(*tok));

    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.tokens", tokens);
    w.set_array_f32("tokenizer.ggml.scores", t.scores);
    w.set_array_i32("tokenizer.ggml.token_type", t.types);
    w.set_array_string("tokenizer.ggml.merges", read_merges(model, path));
    if (bos >= 0) w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(bos));
    else spdlog::warn("{}: no BOS token found; tokenizer.ggml.bos_token_id not written", path);
    if (eos >= 0) {
        w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(eos));
        w.set_u32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(eos));
    } else {
        spdlog::warn("{}: no EOS token found; tokenizer.ggml.eos_token_id not written", path);
    }
    w.set_bool("tokenizer.ggml.add_bos_token", add_bos);
    return n;
}

}  // namespace tern
