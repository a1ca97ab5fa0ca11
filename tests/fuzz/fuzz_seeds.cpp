// Writes the seed corpora the fuzz targets start from: small GGUF files that reach deep into the
// reader and the loader (every value type, tensors of several types, a byte-level BPE and a
// SentencePiece vocabulary, a whole tiny model), and texts for the tokenizers (the reference cases
// with each mode byte). Usage: fuzz_seeds OUT_DIR (writes OUT_DIR/gguf and OUT_DIR/tokenizer).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gguf/gguf.h"
#include "synth/synth.h"
#include "tensor/type_traits.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/hf_import.h"

namespace fs = std::filesystem;
namespace gguf = tern::gguf;

namespace {

void tensor(gguf::Writer& w, const std::string& name, tern::TypeId type, std::vector<uint64_t> ne) {
    const auto nbytes = tern::tensor_nbytes(static_cast<uint32_t>(type), ne);
    std::vector<uint8_t> bytes(*nbytes);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37 % 251 & 0x55);  // valid codes
    w.add_tensor(name, static_cast<uint32_t>(type), std::move(ne), std::move(bytes));
}

// Every metadata value type and a few tensor types, no model.
void every_value_type(const fs::path& out) {
    gguf::Writer w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_u8("a.u8", 1);
    w.set_i8("a.i8", -1);
    w.set_u16("a.u16", 2);
    w.set_i16("a.i16", -2);
    w.set_u32("a.u32", 3);
    w.set_i32("a.i32", -3);
    w.set_u64("a.u64", 4);
    w.set_i64("a.i64", -4);
    w.set_f32("a.f32", 0.5f);
    w.set_f64("a.f64", 0.25);
    w.set_bool("a.bool", true);
    w.set_array_string("a.strings", {"x", "yy", ""});
    w.set_array_f32("a.f32s", {1, 2, 3});
    w.set_array_i32("a.i32s", {-1, 0, 1});
    w.set_array_u32("a.u32s", {7, 8});
    tensor(w, "t.f32", tern::TypeId::F32, {4, 2});
    tensor(w, "t.f16", tern::TypeId::F16, {8, 1});
    tensor(w, "t.i2s", tern::TypeId::I2_S, {128, 2});
    tensor(w, "t.tq2", tern::TypeId::TQ2_0, {256, 1});
    w.write_file((out / "every_value_type.gguf").string());
}

// A byte-level BPE vocabulary: the 256 byte tokens, a few merges, two control tokens.
void small_bpe(const fs::path& out) {
    gguf::Writer w;
    w.set_string("general.architecture", "bitnet-b1.58");
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b) tokens.push_back(tern::byte_level::byte_text(static_cast<uint8_t>(b)));
    const std::vector<std::string> merges = {"h e", "l l", "he ll", "Ġ t", "Ġt h", "o r"};
    for (const auto& m : merges) tokens.push_back(m.substr(0, m.find(' ')) + m.substr(m.find(' ') + 1));
    tokens.push_back("<|begin_of_text|>");
    tokens.push_back("<|eot_id|>");
    std::vector<int32_t> types(tokens.size(), 1);
    types[types.size() - 1] = types[types.size() - 2] = 3;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_array_string("tokenizer.ggml.tokens", tokens);
    w.set_array_i32("tokenizer.ggml.token_type", types);
    w.set_array_string("tokenizer.ggml.merges", merges);
    w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(tokens.size() - 2));
    w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(tokens.size() - 1));
    w.write_file((out / "small_bpe.gguf").string());
}

void small_spm(const fs::path& out) {
    gguf::Writer w;
    w.set_string("general.architecture", "bitnet");
    tern::write_synthetic_spm_vocab(512, w);
    w.write_file((out / "small_spm.gguf").string());
}

// A whole model small enough to mutate quickly: 1 layer, 128 wide, 1024 tokens.
void tiny_model(const fs::path& out, tern::TypeId type, const char* name) {
    tern::SynthOptions o;
    o.arch = "bitnet";
    o.type = type;
    o.shape = tern::SynthShape{256, 256, 1, 2, 2, 64};
    tern::write_synth_model(o, (out / name).string());
}

void texts(const fs::path& out, const std::string& cases_json) {
    std::ifstream in(cases_json);
    const auto cases = nlohmann::json::parse(in);
    int n = 0;
    for (const auto& c : cases) {
        const std::string text = c.at("text").get<std::string>();
        for (char mode : {'\0', '\2', '\5', '\7'}) {  // BPE / SPM, with and without BOS and specials
            std::ofstream(out / ("case" + std::to_string(n++)), std::ios::binary) << mode << text;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR\n");
        return 2;
    }
    const fs::path dir = argv[1];
    fs::create_directories(dir / "gguf");
    fs::create_directories(dir / "tokenizer");
    every_value_type(dir / "gguf");
    small_bpe(dir / "gguf");
    small_spm(dir / "gguf");
    tiny_model(dir / "gguf", tern::TypeId::I2_S, "tiny_i2s.gguf");
    tiny_model(dir / "gguf", tern::TypeId::TQ1_0, "tiny_tq1.gguf");
    texts(dir / "tokenizer", TERN_TOKENIZER_CASES);
    return 0;
}
