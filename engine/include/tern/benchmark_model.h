#pragma once
// Benchmark models: random ternary weights in the exact layout of the official files (I2_S
// projections, F16 embedding, the real Llama-3 vocabulary), so speed, memory and energy can be
// measured without downloading weights. The text such a model writes is meaningless; the file
// says so (tern.synthetic = true, which tern::inspect_model reports).
#include <cstdint>
#include <functional>
#include <string>

namespace tern {

struct BenchmarkModelOptions {
    std::string preset = "2b4t";  // tiny | small | 2b4t (the real bitnet-b1.58-2B-4T shapes)
    // bitnet-b1.58, or another layout tern-cli synth writes (llama: I2_S projections, an untied
    // head, the Llama-3 vocabulary and chat template; its presets are tiny, small, falcon3-1b, llama3-8b).
    std::string arch = "bitnet-b1.58";
    uint64_t seed = 1;            // same options, same bytes
    std::string tokenizer_json;   // a Hugging Face tokenizer.json with the Llama-3 vocabulary
    // 0 first, then the share of the file's bytes made so far (after each tensor and every 1% of
    // the embedding table's rows), 1 once the file is written; called on the writing thread.
    std::function<void(float)> progress;
};

// Throws tern::Error on an unknown preset, a bad tokenizer or a failed write.
void write_benchmark_model(const BenchmarkModelOptions& options, const std::string& out_path);

}  // namespace tern
