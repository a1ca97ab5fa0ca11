#include "tern/model.h"

#include <algorithm>
#include <chrono>
#include <thread>
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
#include "tern/chat.h"
#include "tern/error.h"
#include "tokenizer/tokenizer_factory.h"
#include "tensor/fp16.h"
#include "util/thread_pool.h"

namespace tern {
namespace {

class Loader {
public:
    Loader(ModelImpl& m, const LoadOptions& opt) : m_(m), f_(*m.file), opt_(opt), pool_(opt.n_threads) {
        for (const auto& t : f_.tensors()) total_bytes_ += t.nbytes;
    }

    void load_all() {
        ModelInfo& info = m_.info;
        const int d = info.n_embd, kv = info.n_head_kv * info.head_dim, ff = info.n_ff;
        info.precision = opt_.precision;
        const TensorView embd = dense_view("token_embd.weight", d, info.n_vocab);
        m_.tok_embd = m_.backend->upload_matrix(embd);
        m_.output_norm = vector("output_norm.weight", d);
        info.tied_head = f_.find_tensor("output.weight") == nullptr;
        const TensorView file_head = info.tied_head ? embd : dense_view("output.weight", d, info.n_vocab);
        TensorView head = file_head;
        if (const std::optional<TypeId> type = head_type(file_head); type && head.type != *type)
            head = quantize_head(head, *type);
        const bool head_is_embd = head.data == embd.data;
        // The embedding table is read a row per token: its pages need not stay resident unless it
        // is also the head that every token reads in full. Released before a converted head is
        // uploaded, so a backend copy of that head does not add to the peak.
        if (!head_is_embd || m_.backend->owns_copy(m_.tok_embd)) f_.release(embd);
        m_.output = head_is_embd ? m_.tok_embd : m_.backend->upload_matrix(head);
        if (!info.tied_head && (head.data != file_head.data || m_.backend->owns_copy(m_.output)))
            f_.release(file_head);
        if (!head_is_embd && m_.backend->owns_copy(m_.output)) drop_owned(head);
        info.head_type = type_name(static_cast<uint32_t>(head.type));
        info.head_bytes = head.nbytes;
        info.weight_bytes_per_token += head.nbytes;
        read_rope_freqs();
        const ArchTraits& arch = *m_.arch;
        const int qd = info.n_head * info.head_dim;  // Q rows and attention output width
        m_.layers.resize(info.n_layer);
        for (int i = 0; i < info.n_layer; ++i) {
            const std::string b = "blk." + std::to_string(i) + ".";
            LayerWeights& l = m_.layers[i];
            l.attn_norm = vector(b + "attn_norm.weight", d);
            l.wq = projection(b + "attn_q.weight", d, qd);
            l.wk = projection(b + "attn_k.weight", d, kv);
            l.wv = projection(b + "attn_v.weight", d, kv);
            if (arch.qk_norm) {
                l.attn_q_norm = vector(b + "attn_q_norm.weight", info.head_dim);
                l.attn_k_norm = vector(b + "attn_k_norm.weight", info.head_dim);
            }
            if (arch.sub_norms) l.attn_sub_norm = vector(b + "attn_sub_norm.weight", qd);
            l.wo = projection(b + "attn_output.weight", qd, d);
            l.ffn_norm = vector(b + "ffn_norm.weight", d);
            l.w_gate = projection(b + "ffn_gate.weight", d, ff);
            l.w_up = projection(b + "ffn_up.weight", d, ff);
            if (arch.sub_norms) l.ffn_sub_norm = vector(b + "ffn_sub_norm.weight", ff);
            l.w_down = projection(b + "ffn_down.weight", ff, d);
        }
        info.ternary_type = ternary_types_.size() == 1 ? *ternary_types_.begin()
                            : ternary_types_.empty()   ? "none"
                                                       : "mixed";
        info.activation_numerics = numerics_.size() == 1 ? *numerics_.begin() : "mixed";
        info.projection_note = projection_note();
        if (n_dense_ > 0)
            spdlog::info("{}: {} of {} projections are dense ({}), run with float activations", f_.path(), n_dense_,
                         7 * info.n_layer, dense_types());
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
        const TensorView v = view(t);
        const Weight w = m_.backend->upload_vector(v);
        if (m_.backend->owns_copy(w)) f_.release(v);
        return w;
    }

    // The embedding or the head: a [in, out] matrix used as stored.
    TensorView dense_view(const std::string& name, uint64_t in, uint64_t out) {
        const gguf::TensorInfo& t = find(name);
        check_shape(t, in, out);
        return view(t);
    }

    // A projection [in, out]: stored as a ternary type, or as a float tensor whose values are
    // {-m, 0, +m} (then converted to I2_S), with an optional `<name without .weight>.scale`
    // multiplier as in older bitnet files. In the FP16 precision it is expanded to dense F16.
    Weight projection(const std::string& name, uint64_t in, uint64_t out) {
        const gguf::TensorInfo& t = find(name);
        check_shape(t, in, out);
        const TensorView file_view = view(t);
        TensorView v = file_view;
        const TypeTraits& tt = *type_traits(t.type);
        float extra = 1.0f;
        const std::string scale_name = name.substr(0, name.size() - 7) + ".scale";
        if (const gguf::TensorInfo* s = f_.find_tensor(scale_name)) {
            if (s->ne[0] * s->ne[1] * s->ne[2] * s->ne[3] != 1)
                throw Error(f_.path() + ": tensor '" + scale_name + "' should hold one value");
            float value = 0;
            dequantize_row(view(*s), 0, &value);
            if (!std::isfinite(value)) throw Error(f_.path() + ": tensor '" + scale_name + "' is not finite");
            extra = value;
        }
        // Weight-only ternary models (and the FP16 baseline) run their ternary weights as dense
        // F16 with float activations: the numerics they were trained with.
        const bool int8 = m_.arch->int8_activations && opt_.precision == Precision::Ternary;
        if (tt.ternary) {
            ternary_types_.insert(tt.name);
            m_.info.ternary_bytes += v.nbytes;
        } else if (auto converted = m_.arch->int8_activations ? as_ternary(v) : std::nullopt) {
            v = *converted;
            ternary_types_.insert(std::string(tt.name) + "->I2_S");
            m_.info.ternary_bytes += v.nbytes;
        } else {
            ++n_dense_;
            dense_types_.insert(tt.name);
        }
        const bool ternary = type_traits(static_cast<uint32_t>(v.type))->ternary;
        if (ternary && !int8) {
            const TensorView codes = v;
            v = to_f16(codes);
            drop_owned(codes);
        }
        numerics_.insert(ternary && int8 ? kInt8Numerics : "float");
        const Weight w = m_.backend->upload_matrix(v, extra);
        m_.info.weight_bytes_per_token += w.bytes;  // the backend may hold fewer bytes than the file
        if (m_.backend->owns_copy(w)) drop_owned(v);
        if (v.data != file_view.data || m_.backend->owns_copy(w)) f_.release(file_view);
        return w;
    }

    // Frees a buffer converted at load once nothing reads it; views of the file are left alone.
    void drop_owned(const TensorView& v) {
        for (auto& bytes : m_.owned_bytes)
            if (!bytes.empty() && bytes.data() == v.data) std::vector<uint8_t>().swap(bytes);
    }

    // A buffer the model owns (weights converted at load).
    TensorView owned(const TensorView& like, TypeId type, std::vector<uint8_t> bytes) {
        m_.owned_bytes.push_back(std::move(bytes));
        TensorView out = like;
        out.type = type;
        out.data = m_.owned_bytes.back().data();
        out.nbytes = m_.owned_bytes.back().size();
        return out;
    }

    // The FP16 baseline's weight: each ternary value times its scale, as F16.
    TensorView to_f16(const TensorView& v) {
        const uint64_t k = v.ne[0], rows = v.n_rows();
        std::vector<uint8_t> bytes(v.n_elements() * sizeof(uint16_t));
        auto* out = reinterpret_cast<uint16_t*>(bytes.data());
        pool_.parallel_for(static_cast<int64_t>(rows), 64, [&](int64_t r0, int64_t r1) {
            std::vector<int8_t> values(k);
            std::vector<float> scales(ternary_scales_per_row(v));
            const uint64_t block = ternary_scale_block(v);
            for (int64_t r = r0; r < r1; ++r) {
                ternary_row(v, static_cast<uint64_t>(r), values.data(), scales.data());
                uint16_t* dst = out + static_cast<uint64_t>(r) * k;
                for (uint64_t b = 0; b * block < k; ++b) {
                    // Three possible values per scale block: convert them once.
                    const uint16_t lut[3] = {f32_to_f16(-scales[b]), 0, f32_to_f16(scales[b])};
                    for (uint64_t c = b * block; c < std::min(k, (b + 1) * block); ++c) dst[c] = lut[values[c] + 1];
                }
            }
        });
        return owned(v, TypeId::F16, std::move(bytes));
    }

    // The type the LM head runs in, when an opt-in quantized head is asked for. A 6-bit head needs
    // rows of whole Q6_K blocks and a backend that runs Q6_K as such; otherwise the 8-bit one runs.
    std::optional<TypeId> head_type(const TensorView& head) const {
        if (opt_.head == HeadType::AsStored) return std::nullopt;
        if (opt_.head == HeadType::Q6_K) {
            if (head.ne[0] % kQ6KBlock == 0 && m_.backend->runs_natively(TypeId::Q6_K)) return TypeId::Q6_K;
            spdlog::warn("{}: a Q6_K head needs rows of a multiple of {} values on a backend that runs Q6_K "
                         "(rows of {} on {}); the LM head runs as Q8_0",
                         f_.path(), kQ6KBlock, head.ne[0], m_.backend->name());
        }
        return TypeId::Q8_0;
    }

    // The opt-in quantized head (Q8_0 or Q6_K), quantized from the file's head a row at a time.
    TensorView quantize_head(const TensorView& v, TypeId type) {
        const TypeTraits& tt = *type_traits(static_cast<uint32_t>(type));
        const uint64_t k = v.ne[0], rows = v.n_rows();
        if (k % tt.block_size != 0)
            throw Error(f_.path() + ": a " + tt.name + " head needs rows of a multiple of " +
                        std::to_string(tt.block_size) + " values");
        const uint64_t row_bytes = k / tt.block_size * tt.type_size;
        std::vector<uint8_t> bytes(rows * row_bytes);
        pool_.parallel_for(static_cast<int64_t>(rows), 256, [&](int64_t r0, int64_t r1) {
            std::vector<float> row(k);
            for (int64_t r = r0; r < r1; ++r) {
                dequantize_row(v, static_cast<uint64_t>(r), row.data());
                const std::vector<uint8_t> q = type == TypeId::Q6_K ? encode_q6_k(row) : encode_q8_0(row);
                std::copy(q.begin(), q.end(), bytes.begin() + static_cast<int64_t>(r * row_bytes));
            }
        });
        return owned(v, type, std::move(bytes));
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
        return owned(v, TypeId::I2_S, encode_i2_s(values, m));
    }

    // The optional per-pair RoPE frequency factors (llama.cpp's rope_freqs.weight, Llama 3.1 style).
    void read_rope_freqs() {
        const gguf::TensorInfo* t = f_.find_tensor("rope_freqs.weight");
        if (!t) return;
        const uint64_t half = static_cast<uint64_t>(m_.info.head_dim / 2);
        check_shape(*t, half, 1);
        if (t->type != static_cast<uint32_t>(TypeId::F32))
            throw Error(f_.path() + ": tensor 'rope_freqs.weight' has type " + type_name(t->type) + ", expected F32");
        m_.rope_freqs.resize(half);
        dequantize_row(view(*t), 0, m_.rope_freqs.data());
        for (float x : m_.rope_freqs)
            if (!(x > 0) || !std::isfinite(x))
                throw Error(f_.path() + ": tensor 'rope_freqs.weight' holds " + std::to_string(x) +
                            " (frequency factors must be positive)");
        m_.info.rope_freqs = true;
    }

    std::string dense_types() const {
        std::string s;
        for (const auto& t : dense_types_) s += (s.empty() ? "" : ", ") + t;
        return s;
    }

    std::string projection_note() const {
        const std::string& t = m_.info.ternary_type;
        if (opt_.precision == Precision::Fp16)
            return "FP16 baseline: every projection expanded to dense F16, float activations";
        if (t == "none") return "dense (" + dense_types() + "), float activations";
        if (!m_.arch->int8_activations)
            return "weight-only ternary (" + t + ", trained with float activations): expanded to F16 at load, "
                   "float activations";
        std::string s = "ternary (" + t + "), int8 per-token absmax activations (BitNet b1.58)";
        if (n_dense_ > 0) s += "; " + std::to_string(n_dense_) + " dense (" + dense_types() + ") with float activations";
        return s;
    }

    static constexpr const char* kInt8Numerics = "int8 per-token absmax (BitNet)";

    ModelImpl& m_;
    const gguf::File& f_;
    const LoadOptions& opt_;
    ThreadPool pool_;  // for the conversions at load
    uint64_t total_bytes_ = 0, done_bytes_ = 0;
    std::set<std::string> ternary_types_, dense_types_, numerics_;
    int n_dense_ = 0;
};

#ifdef TERN_HAVE_VULKAN
// Device memory the weights will take: the file, or in FP16 the file with every ternary tensor
// expanded to 2 bytes per weight.
uint64_t device_bytes_needed(const gguf::File& f, Precision precision, const ArchTraits& arch) {
    uint64_t bytes = f.file_size();
    if (precision == Precision::Fp16 || !arch.int8_activations)
        for (const auto& t : f.tensors())
            if (const TypeTraits* tt = type_traits(t.type); tt && tt->ternary)
                bytes += t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3] * 2 - t.nbytes;
    return bytes;
}
#endif

// Builds the backend the options ask for and uploads the weights. Whenever Vulkan cannot be used
// (no driver or device, a missing feature, too little memory, a failed upload) the model loads on
// the CPU backend instead, and the reason is logged and kept in ModelInfo.
void load_weights(ModelImpl& m, const LoadOptions& options) {
    using Kind = LoadOptions::BackendKind;
    m.info.n_threads = options.n_threads > 0 ? options.n_threads
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const ModelInfo before = m.info;
    std::string reason;
    if (options.backend != Kind::Cpu) {
#ifdef TERN_HAVE_VULKAN
        try {
            VulkanOptions vo;
            vo.device = options.device;
            vo.allow_cpu = options.backend == Kind::Vulkan;
            vo.need_bytes = device_bytes_needed(*m.file, options.precision, *m.arch);
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
    m.backend = make_cpu_backend(options.n_threads, options.kv_type);
    // The Vulkan path returned above with the F32 cache that runs there; the CPU one runs kv_type.
    m.info.kv_type = options.kv_type;
    m.info.kv_bytes_per_token =
        2ull * m.info.n_layer * m.info.n_head_kv * cpu_kv_row_bytes(options.kv_type, m.info.head_dim);
    Loader(m, options).load_all();
    m.info.backend = m.backend->name();
    m.info.backend_fallback_reason = reason;
}

}  // namespace

int max_threads() { return max_pool_threads(); }

std::string validate(const LoadOptions& o) {
    if (o.n_threads < 0 || o.n_threads > max_threads())
        return "threads must be between 1 and " + std::to_string(max_threads()) +
               " (4 per hardware thread on this machine; 0 = one per hardware thread), not " +
               std::to_string(o.n_threads);
    if (o.device < -1) return "device must be a device index (0, 1, ...), not " + std::to_string(o.device);
    return "";
}

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::string& path, const LoadOptions& options) {
    if (std::string e = validate(options); !e.empty()) throw Error(e);
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
                    "' is not supported (Tern runs " + supported_archs() + ")");
    m.info.path = path;
    m.info.file_bytes = f.file_size();
    read_hparams(f, *arch, m.info);
    m.arch = arch;

    m.tokenizer = make_tokenizer(f, *arch_name);
    m.info.n_vocab = m.tokenizer->n_vocab();
    if (auto vs = f.get_uint(*arch_name + ".vocab_size"); vs && *vs != static_cast<uint64_t>(m.info.n_vocab))
        throw Error(path + ": " + *arch_name + ".vocab_size is " + std::to_string(*vs) + " but the vocabulary has " +
                    std::to_string(m.info.n_vocab) + " tokens");
    // The official 2B4T file embeds a placeholder template (no marker of a known family): it
    // falls to the default, the 2B4T format, as intended.
    m.chat_template = detect_chat_template(f.get_string("tokenizer.chat_template").value_or(""),
                                           m.tokenizer->eot() >= 0);

    load_weights(m, options);
    if (options.progress && !options.progress(1.0f)) throw Cancelled();
    m.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("loaded {} ({}, {} layers, {}, head {}, {} MB of weights) in {:.0f} ms", path, m.info.arch,
                 m.info.n_layer, m.info.ternary_type == "none" ? "dense" : precision_name(m.info.precision),
                 m.info.head_type, m.info.weight_bytes / 1000000,
                 m.load_ms);
    return model;
}

const ModelInfo& Model::info() const { return impl_->info; }
const Tokenizer& Model::tokenizer() const { return *impl_->tokenizer; }
ChatTemplate Model::chat_template() const { return impl_->chat_template; }
double Model::load_ms() const { return impl_->load_ms; }
uint64_t Model::device_memory_bytes() const { return impl_->backend->device_bytes(); }

}  // namespace tern
