#pragma once
// Synthetic models for the tests, written once per test process into a temporary folder.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "synth/synth.h"

namespace tern::test {

// A per-process temporary folder, removed with the models in it when the test process exits
// (1000 runs of the suite must not fill the disk).
inline std::filesystem::path temp_dir() {
    struct Dir {
        std::filesystem::path path;
        Dir() {
            std::string tmpl = (std::filesystem::temp_directory_path() / "tern-test-XXXXXX").string();
            if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
            path = tmpl;
        }
        ~Dir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static const Dir dir;
    return dir.path;
}

// Path of a synthetic model (cached): preset tiny/small, an architecture and a projection type;
// a shape instead of the preset's when given (shape_name then names it in the cache). llama and
// qwen3 files get the real Llama-3 vocabulary unless small_vocab asks for synth's 1024-token one
// (a forward pass 10x faster to check: the 128k-row embedding and head dominate a tiny model).
inline std::string synth_model(const std::string& arch = "bitnet-b1.58", TypeId type = TypeId::I2_S,
                               const std::string& preset = "tiny", uint64_t seed = 7,
                               std::optional<SynthShape> shape = std::nullopt, const std::string& shape_name = "",
                               bool small_vocab = false) {
    static std::map<std::string, std::string> cache;
    const std::string key = preset + shape_name + "-" + arch + "-" + type_name(static_cast<uint32_t>(type)) + "-" +
                            std::to_string(seed) + (small_vocab ? "-spm" : "");
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    SynthOptions o;
    o.preset = preset;
    o.arch = arch;
    o.type = type;
    o.seed = seed;
    o.shape = shape;
    if (!small_vocab) o.tokenizer_json = TERN_TOKENIZER_JSON;
    const std::string path = (temp_dir() / (key + ".gguf")).string();
    write_synth_model(o, path);
    return cache[key] = path;
}

}  // namespace tern::test
