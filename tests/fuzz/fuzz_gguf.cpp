// libFuzzer target: a GGUF file from untrusted bytes, through everything a model load reads: the
// reader (header, metadata, tensor infos), every typed getter on every key, each tensor's bytes,
// the tokenizer the vocabulary keys describe, and Model::load (hyper-parameters, weights, repack).
// The only acceptable failure is tern::Error; any other exception, a crash or a sanitizer report
// is a finding.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "gguf/gguf.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tokenizer/tokenizer_factory.h"

namespace {

using tern::Error;
namespace gguf = tern::gguf;

template <typename F>
void expect_clean(F&& f) {
    try {
        f();
    } catch (const Error&) {
        // A clean refusal with a message: what bad input must get.
    }
}

// Every getter on every key: the wrong type must be an Error, the right one a value.
void read_metadata(const gguf::File& f) {
    volatile uint64_t sink = 0;
    for (const auto& kv : f.metadata()) {
        const std::string& key = kv.first;  // not a structured binding: clang 14 cannot capture those
        const gguf::Value& v = kv.second;
        expect_clean([&] { sink = sink + f.get_uint(key).value_or(0); });
        expect_clean([&] { sink = sink + static_cast<uint64_t>(f.get_int(key).value_or(0)); });
        expect_clean([&] { sink = sink + static_cast<uint64_t>(f.get_float(key).value_or(0) != 0); });
        expect_clean([&] { sink = sink + f.get_bool(key).value_or(false); });
        expect_clean([&] { sink = sink + f.get_string(key).value_or("").size(); });
        for (auto t : {gguf::ValueType::UINT32, gguf::ValueType::FLOAT32, gguf::ValueType::STRING})
            expect_clean([&] { sink = sink + (f.get_array(key, t) != nullptr); });
        if (v.type == gguf::ValueType::ARRAY) {
            const uint64_t n = v.count < 64 ? v.count : 64;
            for (uint64_t i = 0; i <= n; ++i) {  // one past the end: must be an Error too
                expect_clean([&] { sink = sink + static_cast<uint64_t>(v.int_at(i)); });
                expect_clean([&] { sink = sink + static_cast<uint64_t>(v.float_at(i) != 0); });
            }
            for (const auto& s : v.strings) sink = sink + s.size();
        }
    }
}

// Each tensor's first and last byte, so the sanitizer sees any view outside the mapping.
void read_tensors(const gguf::File& f) {
    volatile uint8_t sink = 0;
    for (const auto& t : f.tensors()) {
        expect_clean([&] {
            const tern::TensorView v = f.view(t);
            if (v.nbytes > 0) sink = sink ^ v.data[0] ^ v.data[v.nbytes - 1];
        });
        sink = sink ^ static_cast<uint8_t>(f.find_tensor(t.name) != nullptr);
    }
}

void use_tokenizer(const gguf::File& f) {
    const auto arch = f.get_string("general.architecture");
    const auto tok = tern::make_tokenizer(f, arch.value_or(""));
    const auto ids = tok->encode("Hello, world! <|eot_id|> 123 \xc3\xa9", true, true);
    (void)tok->decode(ids, true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = tern::fuzz::as_file(data, size);
    expect_clean([&] {
        const auto f = gguf::File::open(path);
        read_metadata(*f);
        read_tensors(*f);
        expect_clean([&] { use_tokenizer(*f); });
    });
    expect_clean([&] {
        tern::LoadOptions o;
        o.n_threads = 1;
        const auto model = tern::Model::load(path, o);
        tern::Session s(model, {.n_ctx = 8});
        const int32_t ids[] = {0, model->info().n_vocab - 1};
        s.eval(ids);
    });
    return 0;
}
