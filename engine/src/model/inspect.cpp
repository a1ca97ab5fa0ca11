#include "tern/inspect.h"

#include <filesystem>

#include "gguf/gguf.h"
#include "model/hparams.h"
#include "tensor/type_traits.h"
#include "tern/error.h"

namespace tern {

namespace {
// Whether the vocabulary ends chat turns with an end-of-turn token, decided as the tokenizer does
// (VocabTokenizer): tokenizer.ggml.eot_token_id, else a "<|eot_id|>" token. Read from the parsed
// metadata directly: building the tokenizer here would cost more than the rest of the look.
bool vocab_has_eot(const gguf::File& file) {
    if (const gguf::Value* v = file.find("tokenizer.ggml.eot_token_id"); v && v->is_integer())
        return v->type == gguf::ValueType::INT8 || v->type == gguf::ValueType::INT16 ||
                       v->type == gguf::ValueType::INT32 || v->type == gguf::ValueType::INT64
                   ? v->i >= 0
                   : true;
    const gguf::Value* tokens = file.find("tokenizer.ggml.tokens");
    if (!tokens) return false;
    for (std::string_view t : tokens->strings)
        if (t == "<|eot_id|>") return true;
    return false;
}
}  // namespace

ModelFile inspect_model(const std::string& path) {
    const auto file = gguf::File::open(path);
    const std::string file_name = std::filesystem::path(path).filename().string();
    const std::string arch = file->get_string("general.architecture").value_or("");
    const ArchTraits* traits = find_arch(arch);
    if (!traits) {
        if (arch.empty()) throw Error(file_name + " has no general.architecture: it is not a language model.");
        throw Error(file_name + " is a \"" + arch + "\" model; Tern runs BitNet b1.58 models only.");
    }
    ModelFile m;
    ModelInfo& info = m.info;
    info.path = path;
    info.arch = arch;
    read_hparams(*file, *traits, info);
    info.name = file->get_string("general.name").value_or("");
    info.file_bytes = file->file_size();
    if (const auto* tokens = file->find("tokenizer.ggml.tokens")) info.n_vocab = int(tokens->count);
    if (const auto* t = file->find_tensor("blk.0.attn_q.weight")) info.ternary_type = type_name(t->type);
    for (const gguf::TensorInfo& t : file->tensors()) {
        info.weight_bytes += t.nbytes;
        const TypeTraits* tt = type_traits(t.type);
        const bool ternary = tt && tt->ternary;
        if (ternary) info.ternary_bytes += t.nbytes;
        m.fp16_weight_bytes += ternary ? t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3] * 2 : t.nbytes;
    }
    // Only a boolean counts: another writer's key of that name says nothing about the weights.
    if (const auto* v = file->find("tern.synthetic"); v && v->type == gguf::ValueType::BOOL) m.synthetic = v->u != 0;
    const auto recognised = recognise_chat_template(file->get_string("tokenizer.chat_template").value_or(""));
    m.chat_template_recognised = recognised.has_value();
    m.chat_template = recognised.value_or(default_chat_template(vocab_has_eot(*file)));
    return m;
}

}  // namespace tern
