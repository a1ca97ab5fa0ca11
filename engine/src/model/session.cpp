#include "tern/session.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "model/model_impl.h"
#include "tern/error.h"

namespace tern {

struct Session::Impl {
    std::shared_ptr<const Model> model;
    const ModelImpl& m;
    std::unique_ptr<BackendSession> be;
    int n_ctx = 0, n_batch = 0;
    std::vector<int32_t> tokens;
    SessionStats stats;

    // Scratch activations, sized for one batch.
    Tensor x, h, q, k, v, attn, o, gate, up, logits_last, logits_all;  // o: sub-norm output
    RopeConfig rope;
    std::vector<float> last_logits;

    Impl(std::shared_ptr<const Model> mdl, const SessionOptions& opt)
        : model(std::move(mdl)), m(ModelAccess::impl(*model)) {
        const ModelInfo& info = m.info;
        n_ctx = opt.n_ctx > 0 ? opt.n_ctx : std::min(info.n_ctx_train, 4096);
        if (n_ctx > info.n_ctx_train)
            throw Error("context length " + std::to_string(n_ctx) + " exceeds the model's training context " +
                        std::to_string(info.n_ctx_train));
        n_batch = std::clamp(opt.n_batch, 1, n_ctx);
        const int kv_dim = info.n_head_kv * info.head_dim, q_dim = info.n_head * info.head_dim;
        be = m.backend->new_session(info.n_layer, n_ctx, info.n_head_kv, info.head_dim);
        x = be->alloc(n_batch, info.n_embd);
        h = be->alloc(n_batch, info.n_embd);
        q = be->alloc(n_batch, q_dim);
        k = be->alloc(n_batch, kv_dim);
        v = be->alloc(n_batch, kv_dim);
        attn = be->alloc(n_batch, q_dim);
        if (info.sub_norms) o = be->alloc(n_batch, q_dim);
        rope.neox = info.rope_type == "neox";
        rope.head_dim = info.head_dim;
        rope.theta = info.rope_theta;
        rope.freq_scale = info.rope_freq_scale;
        if (info.rope_scaling == "yarn")
            rope.yarn = {info.yarn_ext_factor, info.yarn_attn_factor, info.yarn_beta_fast, info.yarn_beta_slow,
                         info.rope_ctx_orig};
        rope.freq_factors = m.rope_freqs;
        gate = be->alloc(n_batch, info.n_ff);
        up = be->alloc(n_batch, info.n_ff);
        logits_last = be->alloc(1, info.n_vocab);
        last_logits.resize(info.n_vocab);
        stats.weight_bytes = m.backend->weight_bytes();
        stats.kv_bytes = be->kv_bytes();
    }

    // One forward pass over ids at positions pos0.. (ids.size() <= n_batch).
    void forward(std::span<const int32_t> ids, int pos0, std::vector<float>* all_logits) {
        const ModelInfo& info = m.info;
        const int n = static_cast<int>(ids.size());
        const AttentionShape shape{info.n_head, info.n_head_kv, info.head_dim};
        const GluActivation act = m.arch->silu_ffn ? GluActivation::Silu : GluActivation::ReluSquared;
        const bool sub_norms = info.sub_norms;
        const float eps = info.rms_eps;
        Tensor X = x.first(n), H = h.first(n), Q = q.first(n), K = k.first(n), V = v.first(n);
        Tensor A = attn.first(n), O = sub_norms ? o.first(n) : A, G = gate.first(n), U = up.first(n);

        be->get_rows(m.tok_embd, ids, X);
        for (int il = 0; il < info.n_layer; ++il) {
            const LayerWeights& l = m.layers[il];
            // Attention block: norm -> Q,K,V (one activation quantization) -> [per-head Q/K norm]
            // -> RoPE -> attention -> [sub-norm] -> output projection -> residual.
            be->rms_norm(X, l.attn_norm, eps, H);
            const Weight* qkv[] = {&l.wq, &l.wk, &l.wv};
            const Tensor qkv_out[] = {Q, K, V};
            be->linear(H, qkv, qkv_out);
            if (info.qk_norm) {
                be->rms_norm(Q, l.attn_q_norm, eps, Q);
                be->rms_norm(K, l.attn_k_norm, eps, K);
            }
            be->rope(Q, info.n_head, pos0, rope);
            be->rope(K, info.n_head_kv, pos0, rope);
            be->attention(il, Q, K, V, pos0, shape, A);
            if (sub_norms) be->rms_norm(A, l.attn_sub_norm, eps, O);
            const Weight* wo[] = {&l.wo};
            be->linear(O, wo, std::span<const Tensor>(&H, 1));
            be->add(X, H);
            // FFN block: norm -> gate, up -> act(gate) * up -> [sub-norm] -> down -> residual.
            be->rms_norm(X, l.ffn_norm, eps, H);
            const Weight* gu[] = {&l.w_gate, &l.w_up};
            const Tensor gu_out[] = {G, U};
            be->linear(H, gu, gu_out);
            be->glu(G, U, act, G);
            if (sub_norms) be->rms_norm(G, l.ffn_sub_norm, eps, U);
            const Weight* down[] = {&l.w_down};
            be->linear(sub_norms ? U : G, down, std::span<const Tensor>(&H, 1));
            be->add(X, H);
        }
        be->rms_norm(X, m.output_norm, eps, H);
        const Weight* head[] = {&m.output};
        if (all_logits) {
            if (!logits_all.storage) logits_all = be->alloc(n_batch, info.n_vocab);
            const Tensor L = logits_all.first(n);
            be->linear(H, head, std::span<const Tensor>(&L, 1));
            const size_t old = all_logits->size();
            all_logits->resize(old + static_cast<size_t>(n) * info.n_vocab);
            be->read_rows(L, all_logits->data() + old);
            std::copy_n(all_logits->data() + old + static_cast<size_t>(n - 1) * info.n_vocab, info.n_vocab,
                        last_logits.data());
        } else {
            const Tensor last = H.row(n - 1);
            be->linear(last, head, std::span<const Tensor>(&logits_last, 1));
            be->read_rows(logits_last, last_logits.data());
        }
    }
};

std::string validate(const SessionOptions& o) {
    if (o.n_ctx < 0) return "context length must be at least 1 (0 = the model's, at most 4096), not " + std::to_string(o.n_ctx);
    if (o.n_batch < 1) return "batch size must be at least 1, not " + std::to_string(o.n_batch);
    return "";
}

namespace {
SessionOptions checked(SessionOptions o) {
    if (std::string e = validate(o); !e.empty()) throw Error(e);
    return o;
}
}  // namespace

Session::Session(std::shared_ptr<const Model> model, SessionOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), checked(options))) {}
Session::~Session() = default;

std::span<const float> Session::eval(std::span<const int32_t> tokens, std::vector<float>* all_logits,
                                     const std::atomic<bool>* cancel) {
    Impl& s = *impl_;
    if (tokens.empty()) throw Error("nothing to evaluate: the token list is empty");
    const int n_vocab = s.m.info.n_vocab;
    for (int32_t id : tokens)
        if (id < 0 || id >= n_vocab)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                        std::to_string(n_vocab - 1) + ")");
    if (s.tokens.size() + tokens.size() > static_cast<size_t>(s.n_ctx))
        throw Error("context is full: " + std::to_string(s.tokens.size()) + " + " + std::to_string(tokens.size()) +
                    " tokens exceed the context length " + std::to_string(s.n_ctx));
    for (size_t done = 0; done < tokens.size();) {
        if (cancel && cancel->load()) throw Cancelled();
        const size_t n = std::min(tokens.size() - done, static_cast<size_t>(s.n_batch));
        const auto start = std::chrono::steady_clock::now();
        s.forward(tokens.subspan(done, n), static_cast<int>(s.tokens.size()), all_logits);
        s.stats.eval_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        s.stats.n_eval_tokens += static_cast<int64_t>(n);
        s.tokens.insert(s.tokens.end(), tokens.begin() + done, tokens.begin() + done + n);
        done += n;
    }
    return s.last_logits;
}

int Session::n_past() const { return static_cast<int>(impl_->tokens.size()); }
int Session::n_ctx() const { return impl_->n_ctx; }
const std::vector<int32_t>& Session::tokens() const { return impl_->tokens; }
void Session::trim(int n) {
    if (n < 0) n = 0;
    if (static_cast<size_t>(n) < impl_->tokens.size()) impl_->tokens.resize(n);
}
void Session::reset() { trim(0); }
const Model& Session::model() const { return *impl_->model; }

SessionStats Session::stats() const {
    SessionStats st = impl_->stats;
    st.kv_used_bytes = impl_->tokens.size() * impl_->m.info.kv_bytes_per_token;
    return st;
}

}  // namespace tern
