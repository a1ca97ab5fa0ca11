#include "backend/vulkan/vk_session.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <vector>

#include "backend/vulkan/vk_recorder.h"
#include "backend/vulkan/vk_weights.h"

namespace tern::vk {
namespace {

constexpr int kTokensPerDispatch = 8;  // NT in the mat-vec shaders
constexpr int kDenseTileRows = 64, kDenseTileTokens = 32;  // BM, BN in matmul_dense.comp

const VkWeight& vkw(const Weight& w) { return *static_cast<const VkWeight*>(w.storage); }
const Buffer& buf(const Tensor& t) { return *static_cast<const Buffer*>(t.storage); }

// Rows [r0, r0 + n) of a tensor as a byte range.
Range rows(const Tensor& t, int r0, int n) {
    const uint64_t row_bytes = static_cast<uint64_t>(t.cols) * 4;
    return {&buf(t), (static_cast<uint64_t>(t.row0) + r0) * row_bytes, static_cast<uint64_t>(n) * row_bytes};
}
Range all(const Tensor& t) { return rows(t, 0, t.rows); }
Range tagged(Range r, uint64_t tag) {
    r.tag = tag;
    return r;
}
Range whole(const Buffer& b) { return {&b, 0, b.size()}; }

uint32_t div_up(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

// Push-constant blocks, laid out as the shaders declare them (std430).
struct QuantizePush {
    uint32_t x_off, k, n_tok, q_off, q_stride, s_off;
};
struct TernaryPush {
    uint32_t n_chunks, n_tok, xq_off, xs_off, cpb, groups0, groups1, groups2;
    uint32_t rows[3], nb[3], scale_off[3], out_off[3], out_stride[3];
    float extra[3];
};
static_assert(sizeof(TernaryPush) <= kPushBytes);
struct MatmulPush {
    uint32_t n_chunks, n_tok, rows, xq_off, xs_off, scale_off, out_off, out_stride;
    float extra;
    uint32_t groups_m;
};
struct DensePush {
    uint32_t k, n_tok, rows, x_off, out_off, out_stride;
    float extra;
};
struct MatmulDensePush {
    uint32_t k, n_tok, rows, x_off, out_off, out_stride;
    float extra;
    uint32_t groups_m;
};
struct GetRowsPush {
    uint32_t k, n_ids, ids_off, row_begin, row_end, out_off, scale_off;
};
struct QuantizeQ8Push {
    uint32_t x_off, k, n_tok, q_off, d_off;
};
struct MatvecQ8Push {
    uint32_t nb, n_tok, rows, xq_off, xd_off, scale_off, out_off, out_stride;
    float extra;
};
struct MatvecKQuantPush {
    uint32_t nb, n_tok, rows, xq_off, xd_off, out_off, out_stride;
    float extra;
};
struct NormPush {
    uint32_t n, n_rows, x_off, out_off;
    float eps;
};
struct RopePush {
    uint32_t x_off, n_rows, n_heads, head_dim, pos0, cols, neox;
};
struct AttentionPush {
    uint32_t q_off, out_off, q_cols, n_tok, n_head, n_head_kv, head_dim, kv_dim, pos0;
    float scale;
};
struct GluPush {
    uint32_t gate_off, up_off, out_off, count, silu;
};
struct AddPush {
    uint32_t x_off, y_off, count;
};

class VkSession final : public BackendSession {
public:
    VkSession(Context& ctx, int n_layer, int n_ctx, int kv_dim)
        : ctx_(ctx), dev_(*ctx.device), rec_(dev_, *ctx.pipelines), n_ctx_(n_ctx), kv_dim_(kv_dim) {
        const uint64_t layer_bytes = static_cast<uint64_t>(n_ctx) * kv_dim * 4;
        for (int i = 0; i < n_layer; ++i) {
            k_cache_.emplace_back(dev_, layer_bytes, MemoryKind::Device);
            v_cache_.emplace_back(dev_, layer_bytes, MemoryKind::Device);
        }
    }

    ~VkSession() override {
        try {
            rec_.wait_idle();  // pieces of a pass already submitted may still use the buffers below
        } catch (const std::exception&) {
        }
    }

    Recorder& recorder() { return rec_; }

    Tensor alloc(int max_rows, int cols) override {
        tensors_.emplace_back(dev_, static_cast<uint64_t>(max_rows) * cols * 4, MemoryKind::Device);
        max_rows_ = std::max(max_rows_, max_rows);
        max_cols_ = std::max(max_cols_, cols);
        return {&tensors_.back(), 0, max_rows, cols};
    }

    void get_rows(const Weight& table, std::span<const int32_t> ids, Tensor out) override {
        const VkWeight& w = vkw(table);
        const uint32_t n = static_cast<uint32_t>(ids.size());
        if (ids_used_ + n > ids_cap_) {  // the recorded work may still read the old ids
            if (ids_.handle()) rec_.retire(std::move(ids_));
            ids_cap_ = std::max<uint64_t>(2 * ids_cap_, std::max<uint64_t>(n, 1024));
            ids_ = Buffer(dev_, ids_cap_ * 4, MemoryKind::Host);
            ids_used_ = 0;
        }
        std::memcpy(static_cast<int32_t*>(ids_.mapped()) + ids_used_, ids.data(), n * 4);
        const Range id_range{&ids_, ids_used_ * 4, n * 4ull};
        ids_used_ += n;
        const uint64_t tag = rec_.new_tag();  // each chunk writes the rows of the ids it holds
        for (const VkWeight::Chunk& ch : w.chunks) {
            GetRowsPush p{static_cast<uint32_t>(w.cols), n, 0, static_cast<uint32_t>(ch.row0),
                          static_cast<uint32_t>(ch.row0 + ch.rows), 0, w.q8 ? w.q8_scale_off(ch.rows) : 0};
            rec_.bind(0, whole(ch.buffer), false);
            p.ids_off = rec_.bind(3, id_range, false);
            p.out_off = rec_.bind(5, tagged(rows(out, 0, static_cast<int>(n)), tag), true);
            const Kernel k = w.q8                                  ? Kernel::GetRowsQ8_0
                             : w.kquant == VkWeight::KQuant::Q4_K ? Kernel::GetRowsQ4_K
                             : w.kquant == VkWeight::KQuant::Q5_K ? Kernel::GetRowsQ5_K
                             : w.kquant == VkWeight::KQuant::Q6_K ? Kernel::GetRowsQ6_K
                             : w.f16                              ? Kernel::GetRowsF16
                                                                  : Kernel::GetRowsF32;
            rec_.dispatch(k, &p, sizeof p, n);
        }
    }

    void rms_norm(Tensor x, const Weight& gain, float eps, Tensor out) override {
        // A per-head norm (gain one head long) normalizes each head of a row as a row of its own.
        const uint32_t n = static_cast<uint32_t>(vkw(gain).cols);
        const uint32_t n_rows = static_cast<uint32_t>(x.rows) * (static_cast<uint32_t>(x.cols) / n);
        NormPush p{n, n_rows, 0, 0, eps};
        rec_.bind(0, whole(vkw(gain).chunks[0].buffer), false);
        p.x_off = rec_.bind(3, all(x), false);
        p.out_off = rec_.bind(5, all(out), true);
        rec_.dispatch(Kernel::RmsNorm, &p, sizeof p, n_rows);
    }

    void linear(Tensor x, std::span<const Weight* const> weights, std::span<const Tensor> outs) override {
        std::vector<size_t> ternary;
        for (size_t j = 0; j < weights.size(); ++j) {
            if (weights[j]->ternary) ternary.push_back(j);
            else dense_linear(x, vkw(*weights[j]), outs[j]);
        }
        if (ternary.empty()) return;
        const uint32_t n_chunks = vkw(*weights[ternary[0]]).n_chunks;
        quantize(x, n_chunks * 16);
        // Prefill: the tiled mat-mat reads each weight once per 32 tokens (one scale per tensor
        // only; per-block scales stay on the mat-vec path).
        if (x.rows > kTokensPerDispatch) {
            std::vector<size_t> rest;
            for (size_t j : ternary) {
                if (vkw(*weights[j]).scales_per_row == 0) matmul(vkw(*weights[j]), outs[j], x.rows, n_chunks);
                else rest.push_back(j);
            }
            ternary = std::move(rest);
        }
        // Up to three weights sharing the input in one dispatch (Q/K/V, gate/up).
        for (size_t g = 0; g < ternary.size(); g += 3) {
            const size_t n_seg = std::min<size_t>(3, ternary.size() - g);
            for (int t0 = 0; t0 < x.rows; t0 += kTokensPerDispatch) {
                const int nt = std::min(kTokensPerDispatch, x.rows - t0);
                ternary_dispatch(x, weights, outs, std::span(ternary).subspan(g, n_seg), t0, nt, n_chunks);
            }
        }
    }

    void rope(Tensor x, int n_heads, int pos0, const RopeConfig& r) override {
        ensure_rope_table(r);
        RopePush p{0, static_cast<uint32_t>(x.rows), static_cast<uint32_t>(n_heads), static_cast<uint32_t>(r.head_dim),
                   static_cast<uint32_t>(pos0), static_cast<uint32_t>(x.cols), r.neox ? 1u : 0u};
        p.x_off = rec_.bind(3, all(x), true);
        rec_.bind(4, whole(rope_), false);
        rec_.dispatch(Kernel::Rope, &p, sizeof p,
                      div_up(static_cast<uint64_t>(x.rows) * n_heads * (r.head_dim / 2), 64));
    }

    void attention(int layer, Tensor q, Tensor k, Tensor v, int pos0, const AttentionShape& s, Tensor out) override {
        const int n = q.rows;
        const uint64_t row_bytes = static_cast<uint64_t>(kv_dim_) * 4;
        const Buffer& kc = k_cache_[layer];
        const Buffer& vc = v_cache_[layer];
        rec_.copy(all(k), {&kc, pos0 * row_bytes, n * row_bytes});
        rec_.copy(all(v), {&vc, pos0 * row_bytes, n * row_bytes});
        AttentionPush p{0, 0, static_cast<uint32_t>(q.cols), static_cast<uint32_t>(n),
                        static_cast<uint32_t>(s.n_head), static_cast<uint32_t>(s.n_head_kv),
                        static_cast<uint32_t>(s.head_dim), static_cast<uint32_t>(kv_dim_),
                        static_cast<uint32_t>(pos0), 1.0f / std::sqrt(static_cast<float>(s.head_dim))};
        p.q_off = rec_.bind(0, all(q), false);
        rec_.bind(1, {&kc, 0, (pos0 + n) * row_bytes}, false);
        rec_.bind(2, {&vc, 0, (pos0 + n) * row_bytes}, false);
        p.out_off = rec_.bind(5, all(out), true);
        rec_.dispatch(Kernel::Attention, &p, sizeof p, static_cast<uint32_t>(n * s.n_head));
    }

    void glu(Tensor gate, Tensor up, GluActivation act, Tensor out) override {
        const uint64_t count = static_cast<uint64_t>(gate.rows) * gate.cols;
        GluPush p{0, 0, 0, static_cast<uint32_t>(count), act == GluActivation::Silu ? 1u : 0u};
        p.gate_off = rec_.bind(3, all(gate), false);
        p.up_off = rec_.bind(4, all(up), false);
        p.out_off = rec_.bind(5, all(out), true);
        rec_.dispatch(Kernel::Glu, &p, sizeof p, div_up(count, 64));
    }

    void add(Tensor x, Tensor y) override {
        const uint64_t count = static_cast<uint64_t>(x.rows) * x.cols;
        AddPush p{0, 0, static_cast<uint32_t>(count)};
        p.y_off = rec_.bind(3, all(y), false);
        p.x_off = rec_.bind(5, all(x), true);
        rec_.dispatch(Kernel::Add, &p, sizeof p, div_up(count, 64));
    }

    void read_rows(Tensor t, float* dst) override {
        const uint64_t bytes = static_cast<uint64_t>(t.rows) * t.cols * 4;
        if (readback_.size() < bytes) readback_ = Buffer(dev_, bytes, MemoryKind::Readback);
        rec_.copy(all(t), {&readback_, 0, bytes});
        rec_.submit_and_wait();
        ids_used_ = 0;
        std::memcpy(dst, readback_.mapped(), bytes);
    }

    uint64_t kv_bytes() const override { return 2ull * k_cache_.size() * n_ctx_ * kv_dim_ * 4; }

private:
    // x (n tokens of k floats) -> packed int8 rows of q_stride ints and one scale per token.
    void quantize(Tensor x, uint32_t q_stride) {
        const uint64_t need = static_cast<uint64_t>(x.rows) * q_stride;
        if (need > xq_cap_ || static_cast<uint64_t>(x.rows) > xs_cap_) {
            if (xq_.handle()) {
                rec_.retire(std::move(xq_));
                rec_.retire(std::move(xs_));
            }
            const uint64_t padded_cols = (static_cast<uint64_t>(max_cols_) + 63) / 64 * 64;
            xq_cap_ = std::max<uint64_t>(need, static_cast<uint64_t>(max_rows_) * padded_cols / 4);
            xs_cap_ = std::max<uint64_t>(x.rows, max_rows_);
            xq_ = Buffer(dev_, xq_cap_ * 4, MemoryKind::Device);
            xs_ = Buffer(dev_, xs_cap_ * 4, MemoryKind::Device);
        }
        QuantizePush p{0, static_cast<uint32_t>(x.cols), static_cast<uint32_t>(x.rows), 0, q_stride, 0};
        p.x_off = rec_.bind(3, all(x), false);
        p.q_off = rec_.bind(5, {&xq_, 0, need * 4}, true);
        p.s_off = rec_.bind(6, {&xs_, 0, x.rows * 4ull}, true);
        rec_.dispatch(Kernel::Quantize, &p, sizeof p, static_cast<uint32_t>(x.rows));
    }

    void ternary_dispatch(Tensor x, std::span<const Weight* const> weights, std::span<const Tensor> outs,
                          std::span<const size_t> seg, int t0, int nt, uint32_t n_chunks) {
        const uint32_t nr = ctx_.pipelines->get(Kernel::MatvecTernary).rows;
        TernaryPush p{};
        p.n_chunks = n_chunks;
        p.n_tok = static_cast<uint32_t>(nt);
        p.cpb = 1;
        uint32_t groups = 0;
        uint32_t* cumulative[3] = {&p.groups0, &p.groups1, &p.groups2};
        for (size_t i = 0; i < 3; ++i) {
            if (i < seg.size()) {
                const VkWeight& w = vkw(*weights[seg[i]]);
                const Tensor& out = outs[seg[i]];
                if (w.n_chunks != n_chunks) throw VkError("linear: weights sharing an input differ in width");
                p.rows[i] = static_cast<uint32_t>(w.rows);
                p.nb[i] = w.scales_per_row;
                p.scale_off[i] = w.scale_offset;
                p.out_stride[i] = static_cast<uint32_t>(out.cols);
                p.extra[i] = w.extra_scale;
                if (w.scales_per_row > 0) p.cpb = w.chunks_per_block;
                rec_.bind(static_cast<uint32_t>(i), whole(w.buffer), false);
                p.out_off[i] = rec_.bind(5 + static_cast<uint32_t>(i), rows(out, t0, nt), true);
                groups += div_up(static_cast<uint64_t>(w.rows), nr);
            } else {
                // Unused segments (0 rows) alias segment 0, so the validation layer's
                // synchronization checks see no phantom accesses to another buffer.
                rec_.bind(static_cast<uint32_t>(i), whole(vkw(*weights[seg[0]]).buffer), false);
                rec_.bind(5 + static_cast<uint32_t>(i), rows(outs[seg[0]], t0, nt), true);
            }
            *cumulative[i] = groups;
        }
        p.xq_off = rec_.bind(3, {&xq_, static_cast<uint64_t>(t0) * n_chunks * 64, nt * n_chunks * 64ull}, false);
        if (p.xq_off % 4) throw VkError("internal: activations not 16-byte aligned");  // read as ivec4
        p.xs_off = rec_.bind(4, {&xs_, t0 * 4ull, nt * 4ull}, false);
        (void)x;
        rec_.dispatch(Kernel::MatvecTernary, &p, sizeof p, groups);
    }

    void matmul(const VkWeight& w, Tensor out, int n, uint32_t n_chunks) {
        if (w.n_chunks != n_chunks) throw VkError("linear: weights sharing an input differ in width");
        MatmulPush p{n_chunks, static_cast<uint32_t>(n), static_cast<uint32_t>(w.rows), 0, 0, w.scale_offset, 0,
                     static_cast<uint32_t>(out.cols), w.extra_scale, div_up(static_cast<uint64_t>(w.rows), 32)};
        rec_.bind(0, whole(w.buffer), false);
        p.xq_off = rec_.bind(3, {&xq_, 0, static_cast<uint64_t>(n) * n_chunks * 64}, false);
        p.xs_off = rec_.bind(4, {&xs_, 0, n * 4ull}, false);
        p.out_off = rec_.bind(5, rows(out, 0, n), true);
        rec_.dispatch(Kernel::MatmulTernary, &p, sizeof p, p.groups_m * div_up(static_cast<uint64_t>(n), 32));
    }

    // The activations of Q8_0 and k-quant weights: quantized to Q8_0 blocks first, as the CPU
    // does, into xq8_ (packed int8) and xd8_ (a scale per 32 values).
    void q8_activations(Tensor x, const char* what) {
        const uint64_t n = static_cast<uint64_t>(x.rows), k = static_cast<uint64_t>(x.cols);
        if (k % 32) throw VkError(std::string("linear: ") + what + " rows must be a multiple of 32 values");
        if (n * k / 4 > xq8_cap_) {
            if (xq8_.handle()) {
                rec_.retire(std::move(xq8_));
                rec_.retire(std::move(xd8_));
            }
            xq8_cap_ = std::max<uint64_t>(n * k / 4, static_cast<uint64_t>(max_rows_) * k / 4);
            xq8_ = Buffer(dev_, xq8_cap_ * 4, MemoryKind::Device);
            xd8_ = Buffer(dev_, xq8_cap_ / 8 * 4, MemoryKind::Device);
        }
        QuantizeQ8Push qp{0, static_cast<uint32_t>(k), static_cast<uint32_t>(n), 0, 0};
        qp.x_off = rec_.bind(3, all(x), false);
        qp.q_off = rec_.bind(5, {&xq8_, 0, n * k}, true);
        qp.d_off = rec_.bind(6, {&xd8_, 0, n * k / 8}, true);
        rec_.dispatch(Kernel::QuantizeQ8_0, &qp, sizeof qp, static_cast<uint32_t>(n));
    }

    void q8_linear(Tensor x, const VkWeight& w, Tensor out) {
        q8_activations(x, "Q8_0");
        const uint64_t k = static_cast<uint64_t>(x.cols);
        const uint32_t nr = ctx_.pipelines->get(Kernel::MatvecQ8_0).rows;
        const uint64_t tag = rec_.new_tag();
        for (const VkWeight::Chunk& ch : w.chunks) {
            for (int t0 = 0; t0 < x.rows; t0 += kTokensPerDispatch) {
                const int nt = std::min(kTokensPerDispatch, x.rows - t0);
                MatvecQ8Push p{static_cast<uint32_t>(k / 32), static_cast<uint32_t>(nt), static_cast<uint32_t>(ch.rows),
                               0, 0, w.q8_scale_off(ch.rows), 0, static_cast<uint32_t>(out.cols), w.extra_scale};
                rec_.bind(0, whole(ch.buffer), false);
                p.xq_off = rec_.bind(3, {&xq8_, t0 * k, nt * k}, false);
                p.xd_off = rec_.bind(4, {&xd8_, t0 * k / 8, nt * k / 8}, false);
                p.out_off = rec_.bind(5, tagged(rows(out, t0, nt), tag), true) + static_cast<uint32_t>(ch.row0);
                rec_.dispatch(Kernel::MatvecQ8_0, &p, sizeof p, div_up(static_cast<uint64_t>(ch.rows), nr));
            }
        }
    }

    // Q4_K / Q5_K / Q6_K weights as stored. Prefill with all logits (perplexity) runs the mat-vec
    // per 8 tokens too; a plain prefill asks the head for the last token only.
    void kquant_linear(Tensor x, const VkWeight& w, Tensor out) {
        q8_activations(x, "k-quant");
        const uint64_t k = static_cast<uint64_t>(x.cols);
        const Kernel kernel = w.kquant == VkWeight::KQuant::Q4_K   ? Kernel::MatvecQ4_K
                              : w.kquant == VkWeight::KQuant::Q5_K ? Kernel::MatvecQ5_K
                                                                   : Kernel::MatvecQ6_K;
        const uint32_t nr = ctx_.pipelines->get(kernel).rows;
        const uint64_t tag = rec_.new_tag();
        for (const VkWeight::Chunk& ch : w.chunks) {
            for (int t0 = 0; t0 < x.rows; t0 += kTokensPerDispatch) {
                const int nt = std::min(kTokensPerDispatch, x.rows - t0);
                MatvecKQuantPush p{static_cast<uint32_t>(k / 32), static_cast<uint32_t>(nt),
                                   static_cast<uint32_t>(ch.rows), 0, 0, 0, static_cast<uint32_t>(out.cols),
                                   w.extra_scale};
                rec_.bind(0, whole(ch.buffer), false);
                p.xq_off = rec_.bind(3, {&xq8_, t0 * k, nt * k}, false);
                p.xd_off = rec_.bind(4, {&xd8_, t0 * k / 8, nt * k / 8}, false);
                p.out_off = rec_.bind(5, tagged(rows(out, t0, nt), tag), true) + static_cast<uint32_t>(ch.row0);
                rec_.dispatch(kernel, &p, sizeof p, div_up(static_cast<uint64_t>(ch.rows), nr));
            }
        }
    }

    void dense_linear(Tensor x, const VkWeight& w, Tensor out) {
        if (w.q8) return q8_linear(x, w, out);
        if (w.kquant != VkWeight::KQuant::None) return kquant_linear(x, w, out);
        if (x.rows > kTokensPerDispatch) return dense_matmul(x, w, out);
        const Kernel kernel = w.f16 ? Kernel::MatvecDenseF16 : Kernel::MatvecDenseF32;
        const uint32_t nr = ctx_.pipelines->get(kernel).rows;
        const uint64_t tag = rec_.new_tag();  // the chunks write their own columns
        for (const VkWeight::Chunk& ch : w.chunks) {
            for (int t0 = 0; t0 < x.rows; t0 += kTokensPerDispatch) {
                const int nt = std::min(kTokensPerDispatch, x.rows - t0);
                DensePush p{static_cast<uint32_t>(w.cols), static_cast<uint32_t>(nt), static_cast<uint32_t>(ch.rows),
                            0, 0, static_cast<uint32_t>(out.cols), w.extra_scale};
                rec_.bind(0, whole(ch.buffer), false);
                p.x_off = rec_.bind(3, rows(x, t0, nt), false);
                p.out_off = rec_.bind(5, tagged(rows(out, t0, nt), tag), true) + static_cast<uint32_t>(ch.row0);
                rec_.dispatch(kernel, &p, sizeof p, div_up(static_cast<uint64_t>(ch.rows), nr));
            }
        }
    }

    // Prefill: the tiled mat-mat, per row chunk, over as many tokens as one binding of the
    // activations and of the output may cover (an all-positions head output is n x n_vocab).
    void dense_matmul(Tensor x, const VkWeight& w, Tensor out) {
        const Kernel kernel = w.f16 ? Kernel::MatmulDenseF16 : Kernel::MatmulDenseF32;
        const uint64_t limit = dev_.limits().maxStorageBufferRange;
        const uint64_t widest = static_cast<uint64_t>(std::max(x.cols, out.cols)) * 4;
        const int step = static_cast<int>(std::clamp<uint64_t>((limit - 64) / widest / 32 * 32, 1, 1u << 20));
        const uint64_t tag = rec_.new_tag();
        for (const VkWeight::Chunk& ch : w.chunks) {
            for (int t0 = 0; t0 < x.rows; t0 += step) {
                const int nt = std::min(step, x.rows - t0);
                MatmulDensePush p{static_cast<uint32_t>(w.cols), static_cast<uint32_t>(nt),
                                  static_cast<uint32_t>(ch.rows), 0, 0, static_cast<uint32_t>(out.cols),
                                  w.extra_scale, div_up(static_cast<uint64_t>(ch.rows), kDenseTileRows)};
                rec_.bind(0, whole(ch.buffer), false);
                p.x_off = rec_.bind(3, rows(x, t0, nt), false);
                p.out_off = rec_.bind(5, tagged(rows(out, t0, nt), tag), true) + static_cast<uint32_t>(ch.row0);
                rec_.dispatch(kernel, &p, sizeof p, p.groups_m * div_up(static_cast<uint64_t>(nt), kDenseTileTokens));
            }
        }
    }

    // cos/sin per (position, pair), as every backend computes them (rope_angles).
    void ensure_rope_table(const RopeConfig& r) {
        if (rope_.handle() && rope_dim_ == r.head_dim && rope_theta_ == r.theta && rope_scale_ == r.freq_scale &&
            rope_factors_ == r.freq_factors.data() && rope_yarn_ == r.yarn)
            return;
        if (rope_.handle()) rec_.retire(std::move(rope_));
        const int half = r.head_dim / 2;
        rope_ = Buffer(dev_, static_cast<uint64_t>(n_ctx_) * half * 8, MemoryKind::Host);
        float* t = static_cast<float*>(rope_.mapped());
        std::vector<float> c(half), s(half);
        for (int pos = 0; pos < n_ctx_; ++pos) {
            rope_angles(r, pos, c.data(), s.data());
            for (int i = 0; i < half; ++i) {
                t[2 * (static_cast<size_t>(pos) * half + i)] = c[i];
                t[2 * (static_cast<size_t>(pos) * half + i) + 1] = s[i];
            }
        }
        rope_dim_ = r.head_dim;
        rope_theta_ = r.theta;
        rope_scale_ = r.freq_scale;
        rope_factors_ = r.freq_factors.data();
        rope_yarn_ = r.yarn;
    }

    Context& ctx_;
    Device& dev_;
    Recorder rec_;
    int n_ctx_, kv_dim_;
    std::vector<Buffer> k_cache_, v_cache_;  // per layer: f32 [n_ctx][kv_dim]
    std::deque<Buffer> tensors_;
    int max_rows_ = 1, max_cols_ = 64;
    Buffer xq_, xs_;
    uint64_t xq_cap_ = 0, xs_cap_ = 0;
    Buffer xq8_, xd8_;  // Q8_0 activations: packed int8 and a scale per 32 values
    uint64_t xq8_cap_ = 0;  // ints
    Buffer ids_;
    uint64_t ids_cap_ = 0, ids_used_ = 0;
    Buffer rope_;
    int rope_dim_ = 0;
    float rope_theta_ = 0, rope_scale_ = 0;
    const float* rope_factors_ = nullptr;
    RopeYarn rope_yarn_;
    Buffer readback_;
};

}  // namespace

std::unique_ptr<BackendSession> make_session(Context& ctx, int n_layer, int n_ctx, int kv_dim) {
    return std::make_unique<VkSession>(ctx, n_layer, n_ctx, kv_dim);
}

Recorder* session_recorder(BackendSession& session) {
    auto* s = dynamic_cast<VkSession*>(&session);
    return s ? &s->recorder() : nullptr;
}

}  // namespace tern::vk
