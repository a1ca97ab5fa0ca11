#pragma once
// A quick look inside a model file without loading its weights: is it a model the engine runs,
// and what it is. For libraries of model files (the app's Models page) and imports.
#include <string>

#include "tern/model.h"

namespace tern {

struct ModelFile {
    // From the file alone: path, arch, name, the hyper-parameters, file_bytes, ternary_type (of
    // blk.0.attn_q.weight), weight_bytes (all tensors), ternary_bytes (the ternary ones) and
    // kv_bytes_per_token for an F32 cache. The fields that depend on how a model is loaded
    // (precision, head, backend, threads) keep their defaults; n_vocab is the vocabulary's size.
    ModelInfo info;
    // The weights' bytes when run as the FP16 baseline (Precision::Fp16): every ternary projection
    // expanded to F16, everything else as stored. Against info.weight_bytes it is the FP16 memory
    // cost of this model, about 8x for the projections but much less where the vocabulary dominates.
    uint64_t fp16_weight_bytes = 0;
    bool synthetic = false;  // written by tern's synth writer (random weights: gibberish text)
    // The chat template Model::load will use, and whether it was recognised in the file's
    // tokenizer.chat_template (false: no known template there, so the default runs).
    ChatTemplate chat_template = ChatTemplate::Plain;
    bool chat_template_recognised = false;
};

// Throws tern::Error with a message for people: not a GGUF file, not a language model, an
// architecture the engine does not run, missing or inconsistent hyper-parameters.
ModelFile inspect_model(const std::string& path);

}  // namespace tern
