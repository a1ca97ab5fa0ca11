#pragma once
// Imports a Hugging Face tokenizer.json (byte-level BPE, e.g. Llama-3) into GGUF tokenizer keys,
// exactly as the official BitNet GGUF stores them (bitnet-reference.md section 4.1).
#include <string>

#include "gguf/gguf.h"

namespace tern {

// Writes tokenizer.ggml.{model,tokens,scores,token_type,merges,bos_token_id,eos_token_id,
// padding_token_id,add_bos_token} into `w`. No tokenizer.ggml.pre, as in the official file.
// Returns the vocabulary size. Throws tern::Error on a missing or malformed file.
int import_hf_tokenizer(const std::string& tokenizer_json_path, gguf::Writer& w);

// Writes a small deterministic SentencePiece-style `llama` vocabulary (<unk>, <s>, </s>, 256 byte
// tokens <0x00>.., then scored pieces built from ▁-prefixed English fragments) of exactly n_vocab
// entries (n_vocab >= 512). Used for synthetic models of the older `bitnet` architecture.
void write_synthetic_spm_vocab(int n_vocab, gguf::Writer& w);

}  // namespace tern
