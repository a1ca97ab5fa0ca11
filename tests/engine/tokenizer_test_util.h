#pragma once
// Helpers shared by the tokenizer tests: building a tokenizer from GGUF keys (through a real
// file, as the engine loads one), the Llama-3 tokenizer from tokenizer.json, the reference cases,
// and readable printing of strings and id lists in failure messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gguf/gguf.h"
#include "gguf_test_util.h"
#include "tern/tokenizer.h"
#include "tokenizer/hf_import.h"
#include "tokenizer/tokenizer_factory.h"

namespace tok_test {

// Writes `w` (tokenizer keys) to a temporary file and builds the tokenizer from it for `arch`.
inline std::unique_ptr<tern::Tokenizer> load(const tern::gguf::Writer& w, const std::string& arch = "bitnet-b1.58") {
    gguf_test::TempDir dir;
    const std::string path = dir.file("vocab.gguf");
    w.write_file(path);
    auto file = tern::gguf::File::open(path);
    return tern::make_tokenizer(*file, arch);
}

// The Llama-3 tokenizer as the official BitNet GGUF stores it: tokenizer.json imported with
// import_hf_tokenizer, no tokenizer.ggml.pre. Built once per test process.
inline const tern::Tokenizer& llama3() {
    static const std::unique_ptr<tern::Tokenizer> tok = [] {
        tern::gguf::Writer w;
        w.set_string("general.architecture", "bitnet-b1.58");
        tern::import_hf_tokenizer(TERN_TOKENIZER_JSON, w);
        return load(w);
    }();
    return *tok;
}

struct Case {
    std::string text;
    bool special = false;
    std::vector<int32_t> ids;
};

// tests/data/<file>, written by scripts/gen_tokenizer_expected.mjs.
inline std::vector<Case> read_cases(const std::string& file) {
    const std::string path = std::string(TERN_TEST_DATA_DIR) + "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<Case> out;
    for (const auto& c : nlohmann::json::parse(in)) {
        out.push_back({c.at("text").get<std::string>(), c.at("special").get<bool>(),
                       c.at("ids").get<std::vector<int32_t>>()});
    }
    return out;
}

// The Llama-3 cases (tokenizer_cases.json).
inline const std::vector<Case>& reference_cases() {
    static const std::vector<Case> cases = read_cases("tokenizer_cases.json");
    return cases;
}

// A string as a JSON literal, so that whitespace and control characters are visible.
inline std::string show(const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string show(const std::vector<int32_t>& ids) {
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < ids.size(); ++i) o << (i ? ", " : "") << ids[i];
    o << "]";
    return o.str();
}

}  // namespace tok_test
