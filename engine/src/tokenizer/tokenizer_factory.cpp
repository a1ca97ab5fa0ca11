#include "tokenizer/tokenizer_factory.h"

#include <spdlog/spdlog.h>

#include "tern/error.h"
#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/spm_tokenizer.h"
#include "tokenizer/vocab.h"

namespace tern {

namespace {

bool is_bitnet_b158(std::string_view arch) { return arch == "bitnet-b1.58" || arch == "bitnet-25"; }

// The names llama.cpp (and bitnet.cpp, for Falcon-E) map to its Llama-3 pre-tokenizer, and Qwen2's.
bool is_llama3_pre(std::string_view pre) {
    return pre == "llama3" || pre == "llama-bpe" || pre == "llama-v3" || pre == "falcon3" || pre == "falcon_e";
}

// Says which pre-tokenizer a gpt2 vocabulary gets: Qwen2's for "qwen2", else Llama-3's. The
// official BitNet GGUF has no tokenizer.ggml.pre, and llama.cpp's fallback to the GPT-2 split
// measurably hurts (bitnet-reference.md section 4.2), so for those architectures the choice is
// silent; other unknown or missing names are logged.
PreTokenizer choose_pre_tokenizer(const VocabData& v, std::string_view arch) {
    if (v.pre) {
        if (*v.pre == "qwen2") return PreTokenizer::Qwen2;
        if (!is_llama3_pre(*v.pre)) {
            spdlog::warn("{}: tokenizer.ggml.pre = '{}' is not supported; using the Llama-3 pre-tokenizer",
                         v.source, *v.pre);
        }
    } else if (is_bitnet_b158(arch)) {
        spdlog::debug("{}: no tokenizer.ggml.pre; using the Llama-3 pre-tokenizer for {}", v.source, arch);
    } else {
        spdlog::warn("{}: no tokenizer.ggml.pre for architecture '{}'; using the Llama-3 pre-tokenizer",
                     v.source, arch);
    }
    return PreTokenizer::Llama3;
}

}  // namespace

std::unique_ptr<Tokenizer> make_tokenizer(const gguf::File& file, std::string_view arch) {
    VocabData v = read_vocab(file);
    if (v.model == "gpt2") {
        // An empty list is legal (every pre-token then has to be a token or falls apart into
        // bytes), a missing one means a broken file.
        if (!file.find("tokenizer.ggml.merges")) throw Error(v.source + ": tokenizer.ggml.merges is missing (needed by gpt2)");
        const PreTokenizer pre = choose_pre_tokenizer(v, arch);
        return std::make_unique<BpeTokenizer>(std::move(v), pre);
    }
    if (v.model == "llama") return std::make_unique<SpmTokenizer>(std::move(v));
    throw Error(v.source + ": tokenizer.ggml.model = '" + v.model +
                "' is not supported (supported: gpt2, llama)");
}

}  // namespace tern
