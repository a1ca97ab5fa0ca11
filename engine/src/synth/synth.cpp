#include "synth/synth.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gguf/gguf.h"
#include "model/hparams.h"
#include "tensor/fp16.h"
#include "tensor/quantize.h"
#include "tensor/type_traits.h"
#include "tern/error.h"
#include "tokenizer/hf_import.h"

namespace tern {
namespace {

// splitmix64: tiny, fast and fully specified, so a seed gives the same model everywhere.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double normal() {  // Box-Muller
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    int8_t trit() { return static_cast<int8_t>(((next() >> 32) * 3) >> 32) - 1; }

private:
    uint64_t state_;
};

// Scales are rounded to f16 so that I2_S (f32 scale) and TQ1_0/TQ2_0 (f16 block scales) encode
// the very same weights.
float f16_exact(double v) { return f16_to_f32(f32_to_f16(static_cast<float>(v))); }

// Share of the progress bar for making the tensors; the rest is writing the file out.
constexpr double kGenerateShare = 0.95;

// Makes the tensors one after the other. A counting writer (counting = true) makes nothing and only
// adds up the bytes the tensors will take, so the real pass can report progress as the fraction of
// those bytes made: the 2B4T embedding alone is over half of them and takes most of the time.
class SynthWriter {
public:
    SynthWriter(const SynthOptions& o, const SynthShape& s, bool counting = false)
        : o_(o), s_(s), rng_(o.seed), counting_(counting) {}

    uint64_t counted_bytes() const { return done_; }
    void plan(uint64_t bytes) { planned_ = bytes; }

    void norm(const std::string& name, int n) {
        if (count(TypeId::F32, {static_cast<uint64_t>(n)})) return;
        std::vector<float> v(n);
        for (float& x : v) x = static_cast<float>(0.8 + 0.4 * rng_.uniform());
        add(name, static_cast<uint32_t>(TypeId::F32), {static_cast<uint64_t>(n)}, encode_f32(v));
    }

    // Encoded a row at a time: the 2B4T table is 1.3 GB as floats, 0.66 GB as F16.
    void embedding(const std::string& name, int n_vocab) {
        if (count(o_.embd_type, {static_cast<uint64_t>(s_.n_embd), static_cast<uint64_t>(n_vocab)})) return;
        std::vector<uint8_t> bytes;
        bytes.reserve(static_cast<size_t>(n_vocab) * s_.n_embd * 2);
        std::vector<float> row(s_.n_embd);
        const int report_every = std::max(1, n_vocab / 100);
        for (int r = 0; r < n_vocab; ++r) {
            for (float& x : row) x = static_cast<float>(0.02 * rng_.normal());
            const std::vector<uint8_t> encoded = encode_row(row);
            bytes.insert(bytes.end(), encoded.begin(), encoded.end());
            if ((r + 1) % report_every == 0) report(done_ + bytes.size());
        }
        add(name, static_cast<uint32_t>(o_.embd_type),
                      {static_cast<uint64_t>(s_.n_embd), static_cast<uint64_t>(n_vocab)}, std::move(bytes));
    }

    std::vector<uint8_t> encode_row(const std::vector<float>& row) const {
        switch (o_.embd_type) {
            case TypeId::F16: return encode_f16(row);
            case TypeId::Q8_0: return encode_q8_0(row);
            case TypeId::Q6_K: return encode_q6_k(row);
            case TypeId::Q5_K: return encode_q5_k(row);
            case TypeId::Q4_K: return encode_q4_k(row);
            default: throw Error("synth: embedding type " + type_name(static_cast<uint32_t>(o_.embd_type)) +
                                 " is not one synth writes (F16, Q8_0, Q6_K, Q5_K, Q4_K)");
        }
    }

    // A projection with in inputs and out outputs, scaled so its outputs keep unit variance.
    void projection(const std::string& name, int in, int out) {
        const std::vector<uint64_t> ne{static_cast<uint64_t>(in), static_cast<uint64_t>(out)};
        if (count(o_.type, ne)) return;
        const bool is_float = o_.type == TypeId::F16 || o_.type == TypeId::F32;
        auto encode_float = [&](const std::vector<float>& f) {
            return o_.type == TypeId::F16 ? encode_f16(f) : encode_f32(f);
        };
        if (is_float && o_.arch == "llama") {  // a dense model
            std::vector<float> f(static_cast<size_t>(in) * out);
            for (float& x : f) x = static_cast<float>(rng_.normal() / std::sqrt(in));
            add(name, static_cast<uint32_t>(o_.type), ne, encode_float(f));
            return;
        }
        std::vector<int8_t> t(static_cast<size_t>(in) * out);
        for (int8_t& x : t) x = rng_.trit();
        const float scale = f16_exact((0.8 + 0.4 * rng_.uniform()) / std::sqrt(2.0 / 3.0 * in));
        // Weight-only ternary (qwen3) files scale each group of weights on its own.
        const bool grouped = o_.arch == "qwen3";
        auto group_scales = [&](size_t group) {
            std::vector<float> v(t.size() / group, scale);
            if (grouped)
                for (float& x : v) x = f16_exact(scale * (0.75 + 0.5 * rng_.uniform()));
            return v;
        };
        switch (o_.type) {
            case TypeId::I2_S: add(name, 36, ne, encode_i2_s(t, scale)); break;
            case TypeId::TQ2_0: add(name, 35, ne, encode_tq2_0(t, group_scales(256))); break;
            case TypeId::TQ1_0: add(name, 34, ne, encode_tq1_0(t, group_scales(256))); break;
            case TypeId::F16:
            case TypeId::F32: {
                if (grouped) {
                    if (t.size() % 128 != 0) throw Error("synth: qwen3 F16 projections need multiples of 128 weights");
                    const std::vector<float> g = group_scales(128);
                    std::vector<float> f(t.size());
                    for (size_t i = 0; i < t.size(); ++i) f[i] = t[i] * g[i / 128];
                    add(name, static_cast<uint32_t>(o_.type), ne, encode_float(f));
                    break;
                }
                const std::vector<float> f(t.begin(), t.end());
                add(name, static_cast<uint32_t>(o_.type), ne, encode_float(f));
                const std::string scale_name = name.substr(0, name.size() - 7) + ".scale";
                add(scale_name, 0, {1}, encode_f32(std::vector<float>{scale}));
                break;
            }
            default: throw Error("synth: unsupported projection type " + type_name(static_cast<uint32_t>(o_.type)));
        }
    }

    gguf::Writer& writer() { return w_; }
    void progress(float p) {
        if (o_.progress && !counting_) o_.progress(p);
    }

private:
    // Counting: adds the tensor's bytes and says so (the caller then makes nothing). Otherwise
    // the tensor about to be made is counted as done once it is added (see add()).
    bool count(TypeId type, std::vector<uint64_t> ne) {
        if (!counting_) return false;
        done_ += tensor_nbytes(static_cast<uint32_t>(type), ne).value_or(0);
        return true;
    }
    void add(const std::string& name, uint32_t type, std::vector<uint64_t> ne, std::vector<uint8_t> bytes) {
        done_ += bytes.size();
        w_.add_tensor(name, type, std::move(ne), std::move(bytes));
        report(done_);
    }
    void report(uint64_t done) {
        if (planned_ > 0) progress(static_cast<float>(kGenerateShare * std::min(1.0, static_cast<double>(done) / planned_)));
    }

    const SynthOptions& o_;
    const SynthShape& s_;
    Rng rng_;
    gguf::Writer w_;
    bool counting_;
    uint64_t planned_ = 0;
    uint64_t done_ = 0;
};

uint32_t file_type(TypeId t) {
    switch (t) {
        case TypeId::I2_S: return 40;  // LLAMA_FTYPE_MOSTLY_I2_S in the bitnet fork
        case TypeId::TQ1_0: return 36;
        case TypeId::TQ2_0: return 37;
        case TypeId::F16: return 1;
        default: return 0;
    }
}

}  // namespace

SynthShape synth_preset(const std::string& preset, const std::string& arch) {
    const bool mha = arch == "bitnet";  // the older architecture has no grouped-query attention
    if (arch == "llama") {
        // tiny: GQA 8:1 and an untied head, the awkward cases; the others are the published shapes.
        if (preset == "tiny") return {256, 768, 2, 8, 1, 512, 32, 10000.0f, 0};
        if (preset == "small") return {512, 1536, 4, 8, 2, 1024, 0, 500000.0f, 0};
        if (preset == "falcon3-1b") return {2048, 8192, 18, 8, 4, 8192, 256, 1000042.0f, 0};
        if (preset == "llama3-8b") return {4096, 14336, 32, 32, 8, 8192, 128, 500000.0f, 0};
        throw Error("synth: unknown llama preset '" + preset + "' (use tiny, small, falcon3-1b or llama3-8b)");
    }
    if (arch == "qwen3") {
        // tiny: a Q width (4 x 128) other than the stream's (256), as in Qwen3-4B.
        if (preset == "tiny") return {256, 512, 2, 4, 2, 512, 128, 1000000.0f, 1};
        if (preset == "small") return {512, 1536, 4, 8, 4, 1024, 128, 1000000.0f, 1};
        if (preset == "bonsai-1.7b") return {2048, 6144, 28, 16, 8, 40960, 128, 1000000.0f, 1};
        if (preset == "bonsai-4b") return {2560, 9728, 36, 32, 8, 40960, 128, 1000000.0f, 1};
        throw Error("synth: unknown qwen3 preset '" + preset + "' (use tiny, small, bonsai-1.7b or bonsai-4b)");
    }
    if (preset == "tiny") return {256, 512, 2, 4, mha ? 4 : 2, 512};
    if (preset == "small") return {512, 1536, 4, 8, mha ? 8 : 2, 1024};
    if (preset == "2b4t") return {2560, 6912, 30, 20, mha ? 20 : 5, 4096};
    throw Error("synth: unknown preset '" + preset + "' (use tiny, small or 2b4t)");
}

void write_synth_model(const SynthOptions& o, const std::string& out_path) {
    const ArchTraits* arch = find_arch(o.arch);
    if (!arch) throw Error("synth: unknown architecture '" + o.arch + "'");
    const SynthShape s = o.shape ? *o.shape : synth_preset(o.preset, o.arch);
    const bool bitnet = arch->sub_norms;
    // The 2B4T layouts always carry the Llama-3 vocabulary; llama and qwen3 carry the tokenizer.json
    // given, else (as 1bitLLM's bitnet) a small synthetic SentencePiece one, as Llama-2 files do.
    const bool gpt2_vocab = arch->llama3_tokenizer || (!bitnet && !o.tokenizer_json.empty());
    const int head_dim = s.head_dim > 0 ? s.head_dim : s.n_embd / s.n_head;
    const int q_dim = s.n_head * head_dim, kv = s.n_head_kv * head_dim;
    const bool tied = s.tied >= 0 ? s.tied == 1 : o.arch != "bitnet-25";
    // The tensors in file order, made by `out` (or only counted, see SynthWriter).
    auto tensors = [&](SynthWriter& out, int n_vocab) {
        out.embedding("token_embd.weight", n_vocab);
        if (!tied) out.embedding("output.weight", n_vocab);
        for (int i = 0; i < s.n_layer; ++i) {
            const std::string b = "blk." + std::to_string(i) + ".";
            out.norm(b + "attn_norm.weight", s.n_embd);
            out.projection(b + "attn_q.weight", s.n_embd, q_dim);
            out.projection(b + "attn_k.weight", s.n_embd, kv);
            out.projection(b + "attn_v.weight", s.n_embd, kv);
            if (arch->qk_norm) {
                out.norm(b + "attn_q_norm.weight", head_dim);
                out.norm(b + "attn_k_norm.weight", head_dim);
            }
            if (bitnet) out.norm(b + "attn_sub_norm.weight", q_dim);
            out.projection(b + "attn_output.weight", q_dim, s.n_embd);
            out.norm(b + "ffn_norm.weight", s.n_embd);
            out.projection(b + "ffn_gate.weight", s.n_embd, s.n_ff);
            out.projection(b + "ffn_up.weight", s.n_embd, s.n_ff);
            if (bitnet) out.norm(b + "ffn_sub_norm.weight", s.n_ff);
            out.projection(b + "ffn_down.weight", s.n_ff, s.n_embd);
        }
        out.norm("output_norm.weight", s.n_embd);
    };
    SynthWriter sw(o, s);
    sw.progress(0.0f);
    gguf::Writer& w = sw.writer();
    const std::string a = o.arch + ".";

    w.set_string("general.architecture", o.arch);
    w.set_string("general.name", "tern-synth-" + o.preset);
    w.set_string("general.description", "Random ternary weights generated by tern-cli synth: for speed and "
                                        "energy comparison only, the text it writes is meaningless.");
    w.set_bool("tern.synthetic", true);
    w.set_u32("general.file_type", file_type(o.type));
    w.set_u32("general.quantization_version", 2);

    int n_vocab;
    if (gpt2_vocab) {
        if (o.tokenizer_json.empty()) throw Error("synth: --tokenizer tokenizer.json is required for " + o.arch);
        n_vocab = import_hf_tokenizer(o.tokenizer_json, w);
        if (bitnet) {
            // The official file embeds a placeholder template that must be ignored; so do we.
            w.set_string("tokenizer.chat_template",
                         "{% for message in messages %}Human: {{ message['content'] }}\n\nBITNETAssistant: "
                         "{{ eos_token }}{% endfor %}");
        } else {
            // What llama.cpp's converter writes for the Llama-3 vocabulary, and the Llama-3
            // chat template's markers (Llama3-8B-1.58 is a fine-tune of Llama-3-8B-Instruct), so
            // front ends see a detected template as they do with the published files.
            w.set_string("tokenizer.ggml.pre", "llama-bpe");
            w.set_string("tokenizer.chat_template",
                         "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + "
                         "'<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
                         "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
                         "{% endif %}");
        }
    } else {
        n_vocab = o.preset == "2b4t" ? 32002 : 1024;
        write_synthetic_spm_vocab(n_vocab, w);
    }
    w.set_u32(a + "vocab_size", static_cast<uint32_t>(n_vocab));
    w.set_u32(a + "context_length", static_cast<uint32_t>(s.n_ctx));
    w.set_u32(a + "embedding_length", static_cast<uint32_t>(s.n_embd));
    w.set_u32(a + "block_count", static_cast<uint32_t>(s.n_layer));
    w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(s.n_ff));
    w.set_u32(a + "rope.dimension_count", static_cast<uint32_t>(head_dim));
    const float theta = s.rope_theta > 0 ? s.rope_theta : arch->llama3_tokenizer ? 500000.0f : 10000.0f;
    w.set_f32(a + "rope.freq_base", theta);
    if (s.rope_yarn_factor > 0) {
        w.set_string(a + "rope.scaling.type", "yarn");
        w.set_f32(a + "rope.scaling.factor", s.rope_yarn_factor);
        w.set_u32(a + "rope.scaling.original_context_length", static_cast<uint32_t>(s.rope_yarn_orig_ctx));
    }
    w.set_u32(a + "attention.head_count", static_cast<uint32_t>(s.n_head));
    w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
    if (s.head_dim > 0) {
        w.set_u32(a + "attention.key_length", static_cast<uint32_t>(head_dim));
        w.set_u32(a + "attention.value_length", static_cast<uint32_t>(head_dim));
    }
    w.set_f32(a + "attention.layer_norm_rms_epsilon", bitnet ? 1e-5f : 1e-6f);

    SynthWriter counter(o, s, /*counting=*/true);
    tensors(counter, n_vocab);
    sw.plan(counter.counted_bytes());
    tensors(sw, n_vocab);
    w.write_file(out_path);
    sw.progress(1.0f);
}

}  // namespace tern
