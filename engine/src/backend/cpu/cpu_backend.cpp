#include "backend/cpu/cpu_backend.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include <cstdlib>
#include <optional>

#include <spdlog/spdlog.h>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/attention_kernels.h"
#include "backend/cpu/simd/dense_kernels.h"
#include "backend/cpu/simd/elementwise_kernels.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "tensor/fp16.h"
#include "util/thread_pool.h"

namespace tern {
namespace {

// What a Weight's storage points to on this backend.
struct CpuWeight {
    TensorView view;
    float extra_scale = 1.0f;
    bool ternary = false;
    std::optional<simd::RepackedTernary> packed;  // the fast kernels' layout, when they run
    std::optional<simd::RepackedQ8> q8;           // a Q8_0 matrix in the AVX-512 kernel's layout
    std::optional<simd::RepackedQ6K> q6;          // a Q6_K matrix in the SIMD kernels' layout
    std::optional<simd::RepackedQK> qk;           // a Q4_K or Q5_K matrix in the SIMD kernels' layout
    std::vector<uint8_t> copy;                    // a vector's own bytes (view points here)
};

// TERN_CPU_KERNEL=reference runs the scalar reference kernels (slow; they define the numerics).
// Otherwise the fastest SIMD kernel runs; it gives bit-identical results.
const simd::TernaryKernel* choose_kernel() {
    const char* env = std::getenv("TERN_CPU_KERNEL");
    if (env && std::string(env) == "reference") return nullptr;
    return &simd::best_kernel();
}

// The layout the ternary codes are repacked into: the 5-bit field one where the kernel reads it
// (fewer bytes for decode to stream), unless TERN_TERNARY_LAYOUT=planes2 asks for the 2-bit one.
simd::TernaryLayout choose_layout(const simd::TernaryKernel* kernel) {
    const char* env = std::getenv("TERN_TERNARY_LAYOUT");
    const bool planes2 = env && std::string(env) == "planes2";
    return kernel && kernel->fields && !planes2 ? simd::TernaryLayout::fields5 : simd::TernaryLayout::planes2;
}

const char* kernel_name(const simd::TernaryKernel* kernel) { return kernel ? kernel->name : "reference"; }

class CpuSession;

class CpuBackend final : public Backend {
public:
    CpuBackend(int n_threads, KvType kv_type)
        : pool_(n_threads), kernel_(choose_kernel()), layout_(choose_layout(kernel_)), kv_type_(kv_type) {
        spdlog::debug("cpu backend: {} threads, ternary kernel {}, {} layout", pool_.size(),
                      kernel_name(kernel_),
                      layout_ == simd::TernaryLayout::fields5 ? "5-bit field" : "2-bit");
    }

    std::string name() const override { return std::string("cpu-") + kernel_name(kernel_); }

    Weight upload_matrix(const TensorView& w, float extra_scale) override {
        const bool ternary = type_traits(static_cast<uint32_t>(w.type))->ternary;
        weights_.push_back({w, extra_scale, ternary, std::nullopt});
        CpuWeight& cw = weights_.back();
        const uint64_t before = bytes_;
        if (ternary && kernel_ && w.ne[0] % simd::kBlockK == 0) {
            cw.packed = simd::repack_ternary(w, &pool_, layout_);
            bytes_ += cw.packed->code_bytes() + cw.packed->scales.size() * sizeof(float);
        } else if (const simd::DenseKernel* dense = kernel_ ? simd::dense_kernel_for(kernel_->isa) : nullptr;
                   w.type == TypeId::Q8_0 && dense && dense->q8_0_packed) {
            cw.q8 = simd::repack_q8_0(w, &pool_);
            bytes_ += cw.q8->bytes();
        } else if (w.type == TypeId::Q6_K && dense && dense->q6_k_packed) {
            cw.q6 = simd::repack_q6_k(w, &pool_);
            bytes_ += cw.q6->bytes();
        } else if ((w.type == TypeId::Q4_K || w.type == TypeId::Q5_K) && dense && dense->qk_packed) {
            cw.qk = simd::repack_qk(w, &pool_);
            bytes_ += cw.qk->bytes();
        } else {
            bytes_ += w.nbytes;
        }
        return {&cw, static_cast<int>(w.ne[1]), static_cast<int>(w.ne[0]), ternary, bytes_ - before};
    }

    bool owns_copy(const Weight& w) const override {
        const auto* cw = static_cast<const CpuWeight*>(w.storage);
        return cw->packed.has_value() || cw->q8.has_value() || cw->q6.has_value() || cw->qk.has_value() ||
               !cw->copy.empty();
    }

    // Norm gains are copied: a few KB each, and the file pages around them can then be released
    // with the ternary weights they sit between.
    Weight upload_vector(const TensorView& v) override {
        CpuWeight& cw = weights_.emplace_back();
        cw.view = v;
        cw.copy.assign(v.data, v.data + v.nbytes);
        cw.view.data = cw.copy.data();
        bytes_ += v.nbytes;
        return {&cw, 1, static_cast<int>(v.ne[0]), false};
    }

    uint64_t weight_bytes() const override { return bytes_; }

    std::unique_ptr<BackendSession> new_session(int n_layer, int n_ctx, int n_head_kv, int head_dim) override;

    ThreadPool& pool() { return pool_; }
    const simd::TernaryKernel* kernel() const { return kernel_; }

private:
    ThreadPool pool_;
    const simd::TernaryKernel* kernel_;  // nullptr: the scalar reference
    simd::TernaryLayout layout_;
    KvType kv_type_;
    std::deque<CpuWeight> weights_;  // deque: Weight handles stay valid as more are added
    uint64_t bytes_ = 0;
};

// Element-wise ops split a batch across threads in tasks of at least this many token rows; one
// token's row is too little work to hand to another thread.
constexpr int64_t kRowsPerTask = 4;

float* rows_of(Tensor t) { return static_cast<float*>(t.storage) + static_cast<size_t>(t.row0) * t.cols; }
const CpuWeight& cpu(const Weight& w) { return *static_cast<const CpuWeight*>(w.storage); }

// Bytes of one cached value; a Q8_0 cache's scales come on top.
size_t kv_elem_bytes(KvType t) { return t == KvType::F32 ? 4 : t == KvType::F16 ? 2 : 1; }

class CpuSession final : public BackendSession {
public:
    CpuSession(ThreadPool& pool, const simd::TernaryKernel* kernel, KvType kv_type, int n_layer, int n_ctx,
               int n_head_kv, int head_dim)
        : pool_(pool),
          kernel_(kernel),
          dense_(kernel ? simd::dense_kernel_for(kernel->isa) : nullptr),
          attention_f16_(kernel ? simd::attention_f16_for(kernel->isa) : nullptr),
          attention_q8_(kernel ? simd::attention_q8_for(kernel->isa) : nullptr),
          glu_relu2_(kernel ? simd::glu_relu2_for(kernel->isa) : nullptr),
          to_f16_(kernel ? simd::to_f16_for(kernel->isa) : nullptr),
          kv_type_(kv_type),
          n_ctx_(n_ctx),
          n_head_kv_(n_head_kv),
          head_dim_(head_dim),
          kv_dim_(n_head_kv * head_dim),
          kv_blocks_(kv_type == KvType::Q8_0 ? kv_q8_blocks(head_dim) : 0),
          kv_rows_(static_cast<size_t>(n_layer) * n_head_kv * n_ctx),
          // Left uninitialised: a position is written before attention reads it, and untouched
          // pages cost no resident memory, so a long context only takes memory as it fills.
          k_cache_(new uint8_t[kv_rows_ * head_dim * kv_elem_bytes(kv_type)]),
          v_cache_(new uint8_t[kv_rows_ * head_dim * kv_elem_bytes(kv_type)]),
          k_scales_(kv_blocks_ ? new float[kv_rows_ * kv_blocks_] : nullptr),
          v_scales_(kv_blocks_ ? new float[kv_rows_ * kv_blocks_] : nullptr) {}

    Tensor alloc(int max_rows, int cols) override {
        buffers_.emplace_back(static_cast<size_t>(max_rows) * cols, 0.0f);
        return {buffers_.back().data(), 0, max_rows, cols};
    }

    void get_rows(const Weight& table, std::span<const int32_t> ids, Tensor out) override {
        const TensorView& v = cpu(table).view;
        for (size_t i = 0; i < ids.size(); ++i) dequantize_row(v, static_cast<uint64_t>(ids[i]), rows_of(out.row(i)));
    }

    void rms_norm(Tensor x, const Weight& gain, float eps, Tensor out) override {
        const float* g = reinterpret_cast<const float*>(cpu(gain).view.data);
        const int n = gain.cols, slices = x.cols / n;  // a per-head norm has a head-sized gain
        pool_.parallel_for(x.rows, kRowsPerTask, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                const float* xi = rows_of(x.row(static_cast<int>(i)));
                float* oi = rows_of(out.row(static_cast<int>(i)));
                for (int j = 0; j < slices; ++j) cpu_rms_norm(xi + j * n, g, n, eps, oi + j * n);
            }
        });
    }

    void linear(Tensor x, std::span<const Weight* const> weights, std::span<const Tensor> outs) override {
        const int n = x.rows, k = x.cols;
        bool any_ternary = false;
        for (const Weight* w : weights) any_ternary |= w->ternary;
        if (any_ternary) {  // quantize the shared input once per token
            act_q_.resize(static_cast<size_t>(n) * k);
            act_scale_.resize(n);
            act_sum_.resize(n);
            if (kernel_) act_tiles_.resize(static_cast<size_t>(n) * k / 4);
            // Whole token tiles per task, so each task can also regroup its tokens for the kernel.
            const int64_t tile = kernel_ ? kernel_->max_tile_tokens : 1;
            pool_.parallel_for((n + tile - 1) / tile, 1, [&](int64_t b, int64_t e) {
                const int64_t first = b * tile, last = std::min<int64_t>(e * tile, n);
                for (int64_t i = first; i < last; ++i) {
                    int8_t* q = act_q_.data() + i * k;
                    const float* xi = rows_of(x.row(static_cast<int>(i)));
                    act_scale_[i] =
                        kernel_ ? kernel_->quantize_row(xi, k, q, &act_sum_[i]) : cpu_quantize_row_i8(xi, k, q);
                }
                if (kernel_)
                    simd::pack_tiles(*kernel_, act_q_.data() + first * k, static_cast<int>(last - first), k,
                                     act_tiles_.data() + first * k / 4);
            });
        }
        const simd::QuantizedBatch batch{n, k, act_q_.data(), act_sum_.data(), act_scale_.data(), act_tiles_.data()};
        // Repacked ternary matrices sharing this input (Q/K/V, gate/up) go out as one job over all
        // their 16-row groups: one hand-off to the threads instead of one per matrix, and each
        // thread streams one contiguous run of work.
        std::vector<int64_t> first_group{0};
        for (const Weight* w : weights)
            if (cpu(*w).packed) first_group.push_back(first_group.back() + cpu(*w).packed->n_groups);
        if (first_group.size() == weights.size() + 1) {
            pool_.parallel_for(first_group.back(), 1, [&](int64_t b, int64_t e) {
                for (size_t j = 0; j < weights.size(); ++j) {
                    const int64_t g0 = std::max(b, first_group[j]) - first_group[j];
                    const int64_t g1 = std::min(e, first_group[j + 1]) - first_group[j];
                    if (g0 >= g1) continue;
                    const CpuWeight& w = cpu(*weights[j]);
                    const int64_t m = weights[j]->rows;
                    simd::ternary_gemm(*kernel_, *w.packed, g0 * simd::kRowGroup, std::min(g1 * simd::kRowGroup, m),
                                       batch, w.extra_scale, rows_of(outs[j]), outs[j].cols);
                }
            });
            return;
        }
        for (size_t j = 0; j < weights.size(); ++j) {
            const CpuWeight& w = cpu(*weights[j]);
            const Tensor out = outs[j];
            const int64_t m = weights[j]->rows;
            if (w.packed) {
                // Threads split whole 16-row groups of the repacked layout.
                const int64_t g = simd::kRowGroup;
                pool_.parallel_for((m + g - 1) / g, 1, [&](int64_t g0, int64_t g1) {
                    simd::ternary_gemm(*kernel_, *w.packed, g0 * g, std::min(g1 * g, m), batch, w.extra_scale,
                                       rows_of(out), out.cols);
                });
            } else if (w.ternary) {
                pool_.parallel_for(m, 16, [&](int64_t r0, int64_t r1) {
                    cpu_ternary_rows(w.view, r0, r1, act_q_.data(), act_scale_.data(), n, w.extra_scale,
                                     rows_of(out), out.cols);
                });
            } else if (w.q8 || w.q6 || w.qk) {
                // Threads split whole 16-row groups of the repacked layout.
                const int64_t g = simd::kRowGroup;
                pool_.parallel_for((m + g - 1) / g, 1, [&](int64_t g0, int64_t g1) {
                    const int64_t r0 = g0 * g, r1 = std::min(g1 * g, m);
                    if (w.q8)
                        dense_->q8_0_packed(*w.q8, r0, r1, rows_of(x), n, w.extra_scale, rows_of(out), out.cols);
                    else if (w.q6)
                        dense_->q6_k_packed(*w.q6, r0, r1, rows_of(x), n, w.extra_scale, rows_of(out), out.cols);
                    else
                        dense_->qk_packed(*w.qk, r0, r1, rows_of(x), n, w.extra_scale, rows_of(out), out.cols);
                });
            } else {
                const float* xf = rows_of(x);
                const simd::DenseRowsFn fast = dense_ ? simd::dense_rows_fn(*dense_, w.view.type) : nullptr;
                pool_.parallel_for(m, 16, [&](int64_t r0, int64_t r1) {
                    if (fast)
                        fast(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                    else if (w.view.type == TypeId::Q8_0)  // the 8-bit head quantizes its input too
                        cpu_q8_0_rows(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                    else if (w.view.type == TypeId::Q6_K)  // and so does the 6-bit one
                        cpu_q6_k_rows(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                    else if (w.view.type == TypeId::Q4_K)  // and the k-quant ones of llama.cpp's files
                        cpu_q4_k_rows(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                    else if (w.view.type == TypeId::Q5_K)
                        cpu_q5_k_rows(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                    else
                        cpu_dense_rows(w.view, r0, r1, xf, n, w.extra_scale, rows_of(out), out.cols);
                });
            }
        }
    }

    // The angles of a position are the same in every layer and for Q and K: computed once (in
    // double, with pow and sincos, 60 times fewer calls for 2B4T) and kept per position.
    void rope(Tensor x, int n_heads, int pos0, const RopeConfig& r) override {
        const int half = r.head_dim / 2;
        if (rope_theta_ != r.theta || rope_half_ != half || rope_scale_ != r.freq_scale ||
            rope_factors_ != r.freq_factors.data() || !(rope_yarn_ == r.yarn)) {
            rope_yarn_ = r.yarn;
            rope_theta_ = r.theta;
            rope_half_ = half;
            rope_scale_ = r.freq_scale;
            rope_factors_ = r.freq_factors.data();
            rope_cos_.assign(static_cast<size_t>(n_ctx_) * half, 0.0f);
            rope_sin_.assign(rope_cos_.size(), 0.0f);
            rope_ready_.assign(n_ctx_, 0);
        }
        pool_.parallel_for(x.rows, kRowsPerTask, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                const int pos = pos0 + static_cast<int>(i);
                float* c = rope_cos_.data() + static_cast<size_t>(pos) * half;
                float* s = rope_sin_.data() + static_cast<size_t>(pos) * half;
                if (!rope_ready_[pos]) {  // each position belongs to one task: no race
                    rope_angles(r, pos, c, s);
                    rope_ready_[pos] = 1;
                }
                cpu_rope_rotate(rows_of(x.row(static_cast<int>(i))), n_heads, r.head_dim, r.neox, c, s);
            }
        });
    }

    // The cache is [layer][KV head][position][head_dim]: attention over one KV head then reads its
    // cached rows as one sequential stream, which the hardware prefetches; interleaving the heads
    // of a position made long-context decode wait on memory (2.5K positions: 9.8 tok/s). A Q8_0
    // cache keeps its scales apart in the same order, [layer][KV head][position][block].
    void attention(int layer, Tensor q, Tensor k, Tensor v, int pos0, const AttentionShape& s, Tensor out) override {
        const float *kf = rows_of(k), *vf = rows_of(v);
        for (int i = 0; i < q.rows; ++i)
            for (int h = 0; h < s.n_head_kv; ++h) {
                const size_t src = static_cast<size_t>(i) * kv_dim_ + static_cast<size_t>(h) * s.head_dim;
                const size_t row = head_row0(layer, h) + pos0 + i;
                store_kv(kf + src, row, k_cache_.get(), k_scales_.get());
                store_kv(vf + src, row, v_cache_.get(), v_scales_.get());
            }
        attend(layer, q, pos0, s, out);
    }

    // The cache row of position 0 of a layer's KV head.
    size_t head_row0(int layer, int kv_head) const {
        return (static_cast<size_t>(layer) * n_head_kv_ + kv_head) * n_ctx_;
    }

    // One row of head_dim values into the cache, as F32, F16 or Q8_0. The Q8_0 quantization is
    // the scalar reference's: one row per token and KV head is too little work to matter.
    void store_kv(const float* x, size_t row, uint8_t* cache, float* scales) const {
        const size_t at = row * head_dim_;
        switch (kv_type_) {
            case KvType::F32: std::memcpy(cache + at * 4, x, static_cast<size_t>(head_dim_) * 4); return;
            case KvType::F16: {
                auto* c = reinterpret_cast<uint16_t*>(cache) + at;
                if (to_f16_) {
                    to_f16_(x, static_cast<size_t>(head_dim_), c);
                    return;
                }
                for (int j = 0; j < head_dim_; ++j) c[j] = f32_to_f16(x[j]);
                return;
            }
            case KvType::Q8_0:
                cpu_quantize_q8_0_activations(x, head_dim_, reinterpret_cast<int8_t*>(cache) + at, scales + row * kv_blocks_);
                return;
        }
    }

    // Causal attention of q's rows over the layer's cache. One job per (token, KV head): the
    // query heads sharing a KV head read each cached row together.
    void attend(int layer, Tensor q, int pos0, const AttentionShape& s, Tensor out) {
        const int n = q.rows, group = s.n_head / s.n_head_kv;
        const float* qp = rows_of(q);
        float* op = rows_of(out);
        pool_.parallel_for(static_cast<int64_t>(n) * s.n_head_kv, 1, [&](int64_t b, int64_t e) {
            std::vector<float> scores(static_cast<size_t>(group) * (pos0 + n));
            for (int64_t job = b; job < e; ++job) {
                const int i = static_cast<int>(job / s.n_head_kv), g = static_cast<int>(job % s.n_head_kv);
                const float* qi = qp + static_cast<size_t>(i) * q.cols + g * group * s.head_dim;
                float* oi = op + static_cast<size_t>(i) * out.cols + g * group * s.head_dim;
                attend_head(qi, group, head_row0(layer, g), pos0 + i + 1, scores.data(), oi);
            }
        });
    }

    // `group` query heads over the first n_pos cached rows of one KV head, which start at row0.
    void attend_head(const float* q, int group, size_t row0, int n_pos, float* scores, float* out) const {
        const int d = head_dim_;
        const size_t at = row0 * d;
        switch (kv_type_) {
            case KvType::F32: {
                const float* kc = reinterpret_cast<const float*>(k_cache_.get()) + at;
                const float* vc = reinterpret_cast<const float*>(v_cache_.get()) + at;
                for (int h = 0; h < group; ++h)
                    cpu_attention_head(q + h * d, kc, vc, d, 0, d, n_pos, scores, out + h * d);
                return;
            }
            case KvType::F16: {
                const uint16_t* kc = reinterpret_cast<const uint16_t*>(k_cache_.get()) + at;
                const uint16_t* vc = reinterpret_cast<const uint16_t*>(v_cache_.get()) + at;
                if (attention_f16_ && d % 8 == 0) {
                    attention_f16_(q, group, kc, vc, d, 0, d, n_pos, scores, out);
                    return;
                }
                for (int h = 0; h < group; ++h)
                    cpu_attention_head(q + h * d, kc, vc, d, 0, d, n_pos, scores, out + h * d);
                return;
            }
            case KvType::Q8_0: {
                const size_t first_scale = row0 * kv_blocks_;
                const KvQ8Rows k{reinterpret_cast<const int8_t*>(k_cache_.get()) + at, k_scales_.get() + first_scale};
                const KvQ8Rows v{reinterpret_cast<const int8_t*>(v_cache_.get()) + at, v_scales_.get() + first_scale};
                if (attention_q8_ && d % 8 == 0) {
                    attention_q8_(q, group, k, v, d, n_pos, scores, out);
                    return;
                }
                for (int h = 0; h < group; ++h) cpu_attention_head_q8(q + h * d, k, v, d, n_pos, scores, out + h * d);
                return;
            }
        }
    }

    void glu(Tensor gate, Tensor up, GluActivation act, Tensor out) override {
        pool_.parallel_for(gate.rows, kRowsPerTask, [&](int64_t b, int64_t e) {
            const size_t first = static_cast<size_t>(b) * gate.cols, count = static_cast<size_t>(e - b) * gate.cols;
            if (act == GluActivation::ReluSquared && glu_relu2_)
                glu_relu2_(rows_of(gate) + first, rows_of(up) + first, count, rows_of(out) + first);
            else
                cpu_glu(rows_of(gate) + first, rows_of(up) + first, count, act == GluActivation::Silu,
                        rows_of(out) + first);
        });
    }

    void add(Tensor x, Tensor y) override {
        pool_.parallel_for(x.rows, kRowsPerTask, [&](int64_t b, int64_t e) {
            float* a = rows_of(x);
            const float* c = rows_of(y);
            for (size_t i = static_cast<size_t>(b) * x.cols; i < static_cast<size_t>(e) * x.cols; ++i) a[i] += c[i];
        });
    }

    void read_rows(Tensor t, float* dst) override {
        std::memcpy(dst, rows_of(t), sizeof(float) * static_cast<size_t>(t.rows) * t.cols);
    }

    uint64_t kv_bytes() const override { return 2 * kv_rows_ * cpu_kv_row_bytes(kv_type_, head_dim_); }

private:
    ThreadPool& pool_;
    const simd::TernaryKernel* kernel_;
    const simd::DenseKernel* dense_;            // nullptr: the reference cpu_dense_rows
    simd::AttentionF16Fn attention_f16_;        // nullptr: the reference cpu_attention_head
    simd::AttentionQ8Fn attention_q8_;          // nullptr: the reference cpu_attention_head_q8
    simd::GluFn glu_relu2_;                     // nullptr: the reference cpu_glu
    simd::ToF16Fn to_f16_;                      // nullptr: the reference f32_to_f16
    KvType kv_type_;
    int n_ctx_, n_head_kv_, head_dim_, kv_dim_;
    int kv_blocks_;  // Q8_0 scales per row; 0 for F32 and F16
    size_t kv_rows_;  // rows of head_dim values in each of the K and V caches
    std::unique_ptr<uint8_t[]> k_cache_, v_cache_;  // [layer][KV head][position][head_dim] of kv_type
    std::unique_ptr<float[]> k_scales_, v_scales_;  // Q8_0: [layer][KV head][position][block]
    std::deque<std::vector<float>> buffers_;
    std::vector<int8_t> act_q_;
    std::vector<float> act_scale_;
    std::vector<int32_t> act_sum_;
    std::vector<int32_t> act_tiles_;  // act_q_ regrouped for the kernel's token tiles
    float rope_theta_ = 0.0f, rope_scale_ = 0.0f;
    int rope_half_ = 0;
    const float* rope_factors_ = nullptr;
    RopeYarn rope_yarn_;
    std::vector<float> rope_cos_, rope_sin_;  // [position][head_dim / 2]
    std::vector<uint8_t> rope_ready_;         // per position: angles computed
};

std::unique_ptr<BackendSession> CpuBackend::new_session(int n_layer, int n_ctx, int n_head_kv, int head_dim) {
    return std::make_unique<CpuSession>(pool_, kernel_, kv_type_, n_layer, n_ctx, n_head_kv, head_dim);
}

}  // namespace

uint64_t cpu_kv_row_bytes(KvType kv_type, int head_dim) {
    const uint64_t codes = static_cast<uint64_t>(head_dim) * kv_elem_bytes(kv_type);
    return kv_type == KvType::Q8_0 ? codes + sizeof(float) * kv_q8_blocks(head_dim) : codes;
}

std::string cpu_kernel_name() { return kernel_name(choose_kernel()); }

std::unique_ptr<Backend> make_cpu_backend(int n_threads, KvType kv_type) {
    return std::make_unique<CpuBackend>(n_threads, kv_type);
}

}  // namespace tern
