#include "tern/model.h"

#include <chrono>
#include <optional>
#include <set>
#include <cmath>
#include <vector>

#include <spdlog/spdlog.h>

#include "backend/cpu/cpu_backend.h"
#ifdef TERN_HAVE_VULKAN
#include "backend/vulkan/vk_backend.h"
#endif
#include "model/hparams.h"
#include "model/model_impl.h"
#include "tensor/quantize.h"
#include "tern/error.h"
#include "tokenizer/tokenizer_factory.h"

namespace tern {
namespace {

class Loader {
public:
    Loader(Model::Impl& m, const LoadOptions& opt) : m_(m), f_(*m.file), opt_(opt) {
        for (const auto& t : f_.tensors()) total_bytes_ += t.nbytes;
    }

    void load_all() {
        ModelInfo& info = m_.info;
        const int d = info.n_embd, kv = info.n_head_kv * info.head_dim, ff = info.n_ff;
        m_.tok_embd = matrix("token_embd.weight", d, info.n_vocab, false);
        m_.output_norm = vector("output_norm.weight", d);
        if (f_.find_tensor("output.weight")) {
            m_.output = matrix("output.weight", d, info.n_vocab, false);
            info.tied_head = false;
        } else {
            m_.output = m_.tok_embd;
            info.tied_head = true;
        }
        m_.layers.resize(info.n_layer);
        for (int i = 0; i < info.n_layer; ++i) {
            const std::string b = "blk." + std::to_string(i) + ".";
            LayerWeights& l = m_.layers[i];
            l.attn_norm = vector(b + "attn_norm.weight", d);
            l.wq = matrix(b + "attn_q.weight", d, d, true);
            l.wk = matrix(b + "attn_k.weight", d, kv, true);
            l.wv = matrix(b + "attn_v.weight", d, kv, true);
            l.attn_sub_norm = vector(b + "attn_sub_norm.weight", d);
            l.wo = matrix(b + "attn_output.weight", d, d, true);
            l.ffn_norm = vector(b + "ffn_norm.weight", d);
            l.w_gate = matrix(b + "ffn_gate.weight", d, ff, true);
            l.w_up = matrix(b + "ffn_up.weight", d, ff, true);
            l.ffn_sub_norm = vector(b + "ffn_sub_norm.weight", ff);
            l.w_down = matrix(b + "ffn_down.weight", ff, d, true);
        }
        info.ternary_type = ternary_types_.size() == 1 ? *ternary_types_.begin()
                            : ternary_types_.empty()   ? "none"
                                                       : "mixed";
        info.weight_bytes = m_.backend->weight_bytes();
    }

private:
    const gguf::TensorInfo& find(const std::string& name) {
        const gguf::TensorInfo* t = f_.find_tensor(name);
        if (!t) throw Error(f_.path() + ": missing tensor '" + name + "'");
        return *t;
    }

    void check_shape(const gguf::TensorInfo& t, uint64_t ne0, uint64_t ne1) {
        const uint64_t want_dims = ne1 == 1 ? 1 : 2;
        if (t.ne[0] != ne0 || t.ne[1] != ne1 || t.ne[2] != 1 || t.ne[3] != 1 || t.n_dims > 2 || t.n_dims < want_dims)
            throw Error(f_.path() + ": tensor '" + t.name + "' has shape " + shape(t) + ", expected [" +
                        std::to_string(ne0) + (ne1 == 1 ? "" : ", " + std::to_string(ne1)) + "]");
    }

    static std::string shape(const gguf::TensorInfo& t) {
        std::string s = "[";
        for (uint32_t i = 0; i < t.n_dims; ++i) s += (i ? ", " : "") + std::to_string(t.ne[i]);
        return s + "]";
    }

    TensorView view(const gguf::TensorInfo& t) {
        TensorView v = f_.view(t);  // throws for unknown type ids, naming tensor and id
        if (!type_traits(static_cast<uint32_t>(v.type))->can_dequantize)
            throw Error(f_.path() + ": tensor '" + t.name + "' has type " + type_name(t.type) + " (id " +
                        std::to_string(t.type) + "), which this engine cannot read");
        ++m_.info.tensor_types[type_name(t.type)];
        m_.info.parameters += v.n_elements();
        touch(v);
        return v;
    }

    // Reads every page once so the load does the disk I/O (with progress and cancel) instead of
    // the first token.
    void touch(const TensorView& v) {
        volatile uint8_t sink = 0;
        for (uint64_t off = 0; off < v.nbytes; off += 4096) {
            sink = sink + v.data[off];
            if ((off & ((64u << 20) - 1)) == 0) report();
            done_bytes_ += std::min<uint64_t>(4096, v.nbytes - off);
        }
        report();
    }

    void report() {
        if (opt_.progress && total_bytes_ > 0 &&
            !opt_.progress(static_cast<float>(static_cast<double>(done_bytes_) / total_bytes_)))
            throw Cancelled();
    }

    Weight vector(const std::string& name, uint64_t n) {
        const gguf::TensorInfo& t = find(name);
        check_shape(t, n, 1);
        if (t.type != static_cast<uint32_t>(TypeId::F32))
            throw Error(f_.path() + ": tensor '" + name + "' has type " + type_name(t.type) + ", expected F32");
        return m_.backend->upload_vector(view(t));
    }

    // A linear layer [in, out]. Projections (ternary=true) may be stored as ternary types, or as
    // float tensors whose values are {-m, 0, +m} (then converted to I2_S), with an optional
    // `<name without .weight>.scale` multiplier as in older bitnet files.
    Weight matrix(const std::string& name, uint64_t in, uint64_t out, bool projection) {
        const gguf::TensorInfo& t = find(name);
        check_shape(t, in, out);
        TensorView v = view(t);
        const TypeTraits& tt = *type_traits(t.type);
        float extra = 1.0f;
        if (projection) {
            const std::string scale_name = name.substr(0, name.size() - 7) + ".scale";
            if (const gguf::TensorInfo* s = f_.find_tensor(scale_name)) {
                if (s->ne[0] * s->ne[1] * s->ne[2] * s->ne[3] != 1)
                    throw Error(f_.path() + ": tensor '" + scale_name + "' should hold one value");
                float value = 0;
                dequantize_row(view(*s), 0, &value);
                if (!std::isfinite(value)) throw Error(f_.path() + ": tensor '" + scale_name + "' is not finite");
                extra = value;
            }
            if (tt.ternary) {
                ternary_types_.insert(tt.name);
                m_.info.ternary_bytes += v.nbytes;
            } else if (auto converted = as_ternary(v)) {
                v = *converted;
                ternary_types_.insert(std::string(tt.name) + "->I2_S");
                m_.info.ternary_bytes += v.nbytes;
            } else {
                spdlog::warn("{}: tensor '{}' ({}) is not ternary; running it as a dense matrix", f_.path(), name,
                             tt.name);
            }
        }
        return m_.backend->upload_matrix(v, extra);
    }

    // Float-typed weights whose values are all in {-m, 0, +m} are ternary in disguise.
    std::optional<TensorView> as_ternary(const TensorView& v) {
        const uint64_t k = v.ne[0], rows = v.n_rows();
        std::vector<float> row(k);
        std::vector<int8_t> values(v.n_elements());
        float m = 0;
        for (uint64_t r = 0; r < rows; ++r) {
            dequantize_row(v, r, row.data());
            for (uint64_t c = 0; c < k; ++c) {
                const float a = std::fabs(row[c]);
                if (a == 0) {
                    values[r * k + c] = 0;
                    continue;
                }
                if (m == 0) m = a;
                if (a != m) return std::nullopt;
                values[r * k + c] = row[c] > 0 ? 1 : -1;
            }
        }
        if (m == 0 || v.n_elements() % 4 != 0) return std::nullopt;
        m_.owned_bytes.push_back(encode_i2_s(values, m));
        TensorView out = v;
        out.type = TypeId::I2_S;
        out.data = m_.owned_bytes.back().data();
        out.nbytes = m_.owned_bytes.back().size();
        return out;
    }

    Model::Impl& m_;
    const gguf::File& f_;
    const LoadOptions& opt_;
    uint64_t total_bytes_ = 0, done_bytes_ = 0;
    std::set<std::string> ternary_types_;
};

// Builds the backend the options ask for and uploads the weights. Whenever Vulkan cannot be used
// (no driver or device, a missing feature, too little memory, a failed upload) the model loads on
// the CPU backend instead, and the reason is logged and kept in ModelInfo.
void load_weights(Model::Impl& m, const LoadOptions& options) {
    using Kind = LoadOptions::BackendKind;
    const ModelInfo before = m.info;
    std::string reason;
    if (options.backend != Kind::Cpu) {
#ifdef TERN_HAVE_VULKAN
        try {
            VulkanOptions vo;
            vo.device = options.device;
            vo.allow_cpu = options.backend == Kind::Vulkan;
            vo.need_bytes = m.info.file_bytes;
            m.backend = make_vulkan_backend(vo);
            Loader(m, options).load_all();
            m.info.backend = m.backend->name();
            return;
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            reason = e.what();
        }
        m.backend.reset();
        m.layers.clear();
        m.info = before;
#else
        reason = "this build of Tern has no Vulkan backend";
#endif
        spdlog::warn("Vulkan backend not used, running on the CPU: {}", reason);
    }
    m.backend = make_cpu_backend(options.n_threads);
    Loader(m, options).load_all();
    m.info.backend = m.backend->name();
    m.info.backend_fallback_reason = reason;
}

}  // namespace

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::string& path, const LoadOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<Model> model(new Model());
    Impl& m = *model->impl_;
    m.file = gguf::File::open(path);
    const gguf::File& f = *m.file;

    const auto arch_name = f.get_string("general.architecture");
    if (!arch_name) throw Error(path + ": missing key 'general.architecture'");
    const ArchTraits* arch = find_arch(*arch_name);
    if (!arch)
        throw Error(path + ": architecture '" + *arch_name +
                    "' is not supported (Tern runs bitnet-b1.58, bitnet-25 and bitnet models)");
    m.info.path = path;
    m.info.file_bytes = f.file_size();
    read_hparams(f, *arch, m.info);
    m.silu_ffn = arch->silu_ffn;

    m.tokenizer = make_tokenizer(f, *arch_name);
    m.info.n_vocab = m.tokenizer->n_vocab();
    if (auto vs = f.get_uint(*arch_name + ".vocab_size"); vs && *vs != static_cast<uint64_t>(m.info.n_vocab))
        throw Error(path + ": " + *arch_name + ".vocab_size is " + std::to_string(*vs) + " but the vocabulary has " +
                    std::to_string(m.info.n_vocab) + " tokens");
    m.chat_template = m.tokenizer->eot() >= 0 ? ChatTemplate::BitNet2B : ChatTemplate::Plain;

    load_weights(m, options);
    if (options.progress && !options.progress(1.0f)) throw Cancelled();
    m.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("loaded {} ({}, {} layers, {} MB of weights) in {:.0f} ms", path, m.info.arch, m.info.n_layer,
                 m.info.weight_bytes / 1000000, m.load_ms);
    return model;
}

const ModelInfo& Model::info() const { return impl_->info; }
const Tokenizer& Model::tokenizer() const { return *impl_->tokenizer; }
ChatTemplate Model::chat_template() const { return impl_->chat_template; }
double Model::load_ms() const { return impl_->load_ms; }

}  // namespace tern
