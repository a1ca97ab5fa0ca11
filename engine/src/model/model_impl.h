#pragma once
// The loaded model as the graph sees it: hyper-parameters, tokenizer and backend weights.
#include <deque>
#include <memory>
#include <vector>

#include "backend/backend.h"
#include "gguf/gguf.h"
#include "model/hparams.h"
#include "tern/model.h"

namespace tern {

struct LayerWeights {
    Weight attn_norm, wq, wk, wv, attn_q_norm, attn_k_norm, attn_sub_norm, wo;  // q/k norms: qwen3
    Weight ffn_norm, w_gate, w_up, ffn_sub_norm, w_down;
};

struct Model::Impl {
    std::unique_ptr<gguf::File> file;
    ModelInfo info;
    std::unique_ptr<Tokenizer> tokenizer;
    ChatTemplate chat_template = ChatTemplate::BitNet2B;
    const ArchTraits* arch = nullptr;
    std::vector<float> rope_freqs;  // per-pair frequency factors from rope_freqs.weight, or empty
    std::unique_ptr<Backend> backend;
    Weight tok_embd, output_norm, output;
    std::vector<LayerWeights> layers;
    std::deque<std::vector<uint8_t>> owned_bytes;  // weights converted at load (float-typed ternary)
    double load_ms = 0;
};

}  // namespace tern
