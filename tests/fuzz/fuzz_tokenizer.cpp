// libFuzzer target: untrusted text through the two tokenizers a model can carry, the Llama-3
// byte-level BPE (from the real tokenizer.json) and a SentencePiece-style vocabulary. Besides not
// crashing, each must keep its contract: every id in range, decode(encode(text)) == text, and the
// streaming decoder giving the same text as decode for valid UTF-8.
// The first input byte picks the tokenizer and the flags; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_input_file.h"
#include "gguf/gguf.h"
#include "tern/tokenizer.h"
#include "tokenizer/hf_import.h"
#include "tokenizer/tokenizer_factory.h"
#include "tokenizer/unicode.h"

namespace {

std::unique_ptr<tern::Tokenizer> load(const tern::gguf::Writer& w, const char* arch) {
    const std::vector<uint8_t> bytes = w.to_bytes();
    const auto file = tern::gguf::File::open(tern::fuzz::as_file(bytes.data(), bytes.size()));
    return tern::make_tokenizer(*file, arch);
}

const tern::Tokenizer& llama3() {
    static const auto tok = [] {
        tern::gguf::Writer w;
        w.set_string("general.architecture", "bitnet-b1.58");
        tern::import_hf_tokenizer(TERN_TOKENIZER_JSON, w);
        return load(w, "bitnet-b1.58");
    }();
    return *tok;
}

const tern::Tokenizer& spm() {
    static const auto tok = [] {
        tern::gguf::Writer w;
        w.set_string("general.architecture", "bitnet");
        tern::write_synthetic_spm_vocab(1024, w);
        return load(w, "bitnet");
    }();
    return *tok;
}

[[noreturn]] void finding(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_tokenizer: %s for a %zu-byte text\n", what, text.size());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    llama3();  // built once, before the clock starts
    spm();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t mode = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const bool use_spm = mode & 1, add_bos = mode & 2, special = mode & 4;
    const tern::Tokenizer& tok = use_spm ? spm() : llama3();

    const std::vector<int32_t> ids = tok.encode(text, add_bos, special);
    for (int32_t id : ids)
        if (id < 0 || id >= tok.n_vocab()) finding("an id out of range", text);
    if (add_bos && tok.add_bos_default() && (ids.empty() || ids[0] != tok.bos())) finding("no BOS first", text);

    // Byte-level BPE keeps every byte; with special tokens parsed, rendering them gives their text.
    const std::string back = tok.decode(ids, special);
    const std::string want = add_bos && tok.add_bos_default() && special && !use_spm
                                 ? std::string(tok.token_text(tok.bos())) + std::string(text)
                                 : std::string(text);
    if (!use_spm && back != want) finding("decode(encode(text)) != text", text);
    // SentencePiece puts a space in front of the text, which decode drops again after BOS.
    if (use_spm && add_bos && !special && back != text) finding("SentencePiece decode(encode(text)) != text", text);

    // Streaming gives exactly decode()'s text when that text is valid UTF-8.
    if (tern::unicode::is_valid_utf8(back)) {
        tern::StreamDecoder stream(tok, special);
        std::string streamed;
        for (int32_t id : ids) streamed += stream.push(id);
        streamed += stream.flush();
        if (streamed != back) finding("the stream decoder differs from decode()", text);
    }
    return 0;
}
