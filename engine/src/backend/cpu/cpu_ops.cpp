#include "backend/cpu/cpu_ops.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "tensor/fp16.h"

namespace tern {
namespace {

// f16 -> f32 through a table: the tied LM head converts 328M values per token.
const float* f16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i) t[i] = f16_to_f32(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

int32_t dot_i8(const int8_t* a, const int8_t* b, int n) {
    int32_t sum = 0;
    for (int i = 0; i < n; ++i) sum += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    return sum;
}

}  // namespace

float cpu_quantize_row_i8(const float* x, int n, int8_t* q) {
    float amax = 0.0f;
    for (int i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float s = 127.0f / std::max(amax, 1e-5f);
    for (int i = 0; i < n; ++i) {
        const float v = std::nearbyint(x[i] * s);  // default rounding mode: half to even
        q[i] = static_cast<int8_t>(std::clamp(v, -128.0f, 127.0f));
    }
    return s;
}

void cpu_ternary_rows(const TensorView& w, int64_t r0, int64_t r1, const int8_t* act_q, const float* act_scale,
                      int n_tokens, float extra_scale, float* out, int out_stride) {
    const int k = static_cast<int>(w.ne[0]);
    const int block = static_cast<int>(ternary_scale_block(w));
    const int n_blocks = static_cast<int>(ternary_scales_per_row(w));
    std::vector<int8_t> values(k);
    std::vector<float> scales(n_blocks);

    for (int64_t r = r0; r < r1; ++r) {
        ternary_row(w, static_cast<uint64_t>(r), values.data(), scales.data());
        for (int t = 0; t < n_tokens; ++t) {
            const int8_t* q = act_q + static_cast<size_t>(t) * k;
            // Blocks that share a scale are summed as integers first, so a tensor whose blocks all
            // carry the same scale gives exactly the per-tensor (I2_S) result.
            float sum = 0.0f;
            int64_t run = 0;
            float run_scale = scales[0];
            for (int b = 0; b < n_blocks; ++b) {
                if (scales[b] != run_scale) {
                    sum += static_cast<float>(run) * run_scale;
                    run = 0;
                    run_scale = scales[b];
                }
                run += dot_i8(values.data() + b * block, q + b * block, block);
            }
            sum += static_cast<float>(run) * run_scale;
            out[static_cast<size_t>(t) * out_stride + r] = sum / act_scale[t] * extra_scale;
        }
    }
}

void cpu_dense_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                    float* out, int out_stride) {
    const int k = static_cast<int>(w.ne[0]);
    std::vector<float> row(k);
    const float* table = f16_table();
    for (int64_t r = r0; r < r1; ++r) {
        const float* wr;
        if (w.type == TypeId::F32) {
            wr = reinterpret_cast<const float*>(w.data) + static_cast<size_t>(r) * k;
        } else if (w.type == TypeId::F16) {
            const uint16_t* h = reinterpret_cast<const uint16_t*>(w.data) + static_cast<size_t>(r) * k;
            for (int i = 0; i < k; ++i) row[i] = table[h[i]];
            wr = row.data();
        } else {
            dequantize_row(w, static_cast<uint64_t>(r), row.data());
            wr = row.data();
        }
        for (int t = 0; t < n_tokens; ++t) {
            const float* xt = x + static_cast<size_t>(t) * k;
            // Eight partial sums: vectorisable, and less rounding drift than one long chain.
            float acc[8] = {};
            int i = 0;
            for (; i + 8 <= k; i += 8)
                for (int j = 0; j < 8; ++j) acc[j] += wr[i + j] * xt[i + j];
            for (; i < k; ++i) acc[0] += wr[i] * xt[i];
            const float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
            out[static_cast<size_t>(t) * out_stride + r] = sum * extra_scale;
        }
    }
}

void cpu_quantize_q8_0_activations(const float* x, int k, int8_t* xq, float* xd) {
    for (int b = 0; b < kv_q8_blocks(k); ++b) {
        const int first = b * kKvQ8Block, last = std::min(first + kKvQ8Block, k);
        float amax = 0.0f;
        for (int i = first; i < last; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float d = amax / 127.0f;
        xd[b] = d;
        for (int i = first; i < last; ++i) {
            // Divided, not times 1 / d: one rounding fewer before the rounding to a code. A NaN
            // (a model gone wrong) is stored as 0, since converting it to an integer is undefined.
            const float r = d > 0.0f ? std::nearbyint(x[i] / d) : 0.0f;
            xq[i] = static_cast<int8_t>(std::isnan(r) ? 0.0f : std::clamp(r, -127.0f, 127.0f));
        }
    }
}

void cpu_q8_0_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride) {
    const int k = static_cast<int>(w.ne[0]), nb = k / 32;
    std::vector<int8_t> xq(k);
    std::vector<float> xd(nb);
    for (int t = 0; t < n_tokens; ++t) {
        cpu_quantize_q8_0_activations(x + static_cast<size_t>(t) * k, k, xq.data(), xd.data());
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.data + static_cast<size_t>(r) * nb * 34;
            float sum = 0.0f;
            for (int b = 0; b < nb; ++b) {
                const uint8_t* blk = row + b * 34;
                const float dw = f16_to_f32(static_cast<uint16_t>(blk[0] | blk[1] << 8));
                int32_t dot = 0;
                for (int i = 0; i < 32; ++i) dot += static_cast<int8_t>(blk[2 + i]) * xq[b * 32 + i];
                sum += static_cast<float>(dot) * (dw * xd[b]);
            }
            out[static_cast<size_t>(t) * out_stride + r] = sum * extra_scale;
        }
    }
}

void cpu_q6_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride) {
    const int k = static_cast<int>(w.ne[0]), nb = k / kQ6KBlock;
    std::vector<int8_t> xq(k);
    std::vector<float> xd(k / 32);
    uint8_t codes[kQ6KBlock];
    for (int t = 0; t < n_tokens; ++t) {
        cpu_quantize_q8_0_activations(x + static_cast<size_t>(t) * k, k, xq.data(), xd.data());
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.data + static_cast<size_t>(r) * nb * kQ6KBlockBytes;
            float sum = 0.0f;
            for (int b = 0; b < nb; ++b) {
                const uint8_t* blk = row + static_cast<size_t>(b) * kQ6KBlockBytes;
                q6_k_codes(blk, codes);
                const auto* sc = reinterpret_cast<const int8_t*>(blk + 192);
                const float dw = f16_to_f32(static_cast<uint16_t>(blk[208] | blk[209] << 8));
                const int8_t* a = xq.data() + b * kQ6KBlock;
                for (int ab = 0; ab < kQ6KBlock / 32; ++ab) {
                    int32_t dot = 0;
                    for (int j = 2 * ab; j < 2 * ab + 2; ++j) {
                        int32_t sub = 0;
                        for (int i = 16 * j; i < 16 * j + 16; ++i) sub += (codes[i] - 32) * a[i];
                        dot += sub * sc[j];
                    }
                    sum += static_cast<float>(dot) * (dw * xd[b * (kQ6KBlock / 32) + ab]);
                }
            }
            out[static_cast<size_t>(t) * out_stride + r] = sum * extra_scale;
        }
    }
}

namespace {

void qk_rows(const TensorView& w, bool five_bits, int64_t r0, int64_t r1, const float* x, int n_tokens,
             float extra_scale, float* out, int out_stride) {
    const int k = static_cast<int>(w.ne[0]), nb = k / kQKBlock;
    const size_t block_bytes = five_bits ? kQ5KBlockBytes : kQ4KBlockBytes;
    std::vector<int8_t> xq(k);
    std::vector<float> xd(k / kQKSubBlock), sum_xd(k / kQKSubBlock);
    uint8_t codes[kQKBlock], scale[kQKSubBlocks], min[kQKSubBlocks];
    for (int t = 0; t < n_tokens; ++t) {
        cpu_quantize_q8_0_activations(x + static_cast<size_t>(t) * k, k, xq.data(), xd.data());
        for (int s = 0; s < k / kQKSubBlock; ++s) {
            int32_t sum = 0;
            for (int i = 0; i < kQKSubBlock; ++i) sum += xq[s * kQKSubBlock + i];
            sum_xd[s] = static_cast<float>(sum) * xd[s];
        }
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.data + static_cast<size_t>(r) * nb * block_bytes;
            float sum = 0.0f;
            for (int b = 0; b < nb; ++b) {
                const uint8_t* blk = row + static_cast<size_t>(b) * block_bytes;
                qk_codes(blk, five_bits, codes, scale, min);
                const float d = f16_to_f32(static_cast<uint16_t>(blk[0] | blk[1] << 8));
                const float dmin = f16_to_f32(static_cast<uint16_t>(blk[2] | blk[3] << 8));
                float scaled = 0.0f, mins = 0.0f;
                for (int j = 0; j < kQKSubBlocks; ++j) {
                    const int s = b * kQKSubBlocks + j;
                    const int8_t* a = xq.data() + s * kQKSubBlock;
                    int32_t dot = 0;
                    for (int i = 0; i < kQKSubBlock; ++i) dot += codes[kQKSubBlock * j + i] * a[i];
                    scaled += static_cast<float>(scale[j] * dot) * xd[s];
                    mins += static_cast<float>(min[j]) * sum_xd[s];
                }
                sum += d * scaled - dmin * mins;
            }
            out[static_cast<size_t>(t) * out_stride + r] = sum * extra_scale;
        }
    }
}

}  // namespace

void cpu_q4_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride) {
    qk_rows(w, false, r0, r1, x, n_tokens, extra_scale, out, out_stride);
}

void cpu_q5_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride) {
    qk_rows(w, true, r0, r1, x, n_tokens, extra_scale, out, out_stride);
}

void cpu_rms_norm(const float* x, const float* gain, int n, float eps, float* out) {
    // Element i goes to partial sum i % 8, then the partials add pairwise: eight independent add
    // chains instead of one latency-bound chain, and an order any SIMD width can reproduce.
    double part[8] = {};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) part[j] += static_cast<double>(x[i + j]) * x[i + j];
    for (int j = 0; i < n; ++i, ++j) part[j] += static_cast<double>(x[i]) * x[i];
    const double ss = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    const float inv = static_cast<float>(1.0 / std::sqrt(ss / n + eps));
    for (int j = 0; j < n; ++j) out[j] = x[j] * inv * gain[j];
}

// exp correctly rounded to float (through double), not libm's expf, which misrounds some inputs
// by an ulp in a library-specific way: other backends can reproduce this one exactly (the
// Vulkan shaders do, see exp_rn in shaders/common.glsl), and deep models amplify an ulp.
static float exp_rn(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }

void cpu_rope_rotate(float* x, int n_heads, int head_dim, bool neox, const float* cos_in, const float* sin_in) {
    const int half = head_dim / 2;
    // NEOX pairs i with i + half; the normal mode pairs 2i with 2i + 1.
    const int stride = neox ? 1 : 2, partner = neox ? half : 1;
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (int i = 0; i < half; ++i) {
            float* a = v + i * stride;
            const float x0 = a[0], x1 = a[partner], c = cos_in[i], s = sin_in[i];
            a[0] = x0 * c - x1 * s;
            a[partner] = x0 * s + x1 * c;
        }
    }
}

void cpu_rope(float* x, int n_heads, int pos, const RopeConfig& r) {
    std::vector<float> c(r.head_dim / 2), s(r.head_dim / 2);
    rope_angles(r, pos, c.data(), s.data());
    cpu_rope_rotate(x, n_heads, r.head_dim, r.neox, c.data(), s.data());
}

namespace {

// Row p, element d of a cache, as attention reads it: f32, F16, or Q8_0 codes times their scale.
template <class T>
struct PlainRows {
    const T* base;
    int stride;
    float operator()(int p, int d) const {
        const T x = base[static_cast<size_t>(p) * stride + d];
        if constexpr (std::is_same_v<T, uint16_t>) return f16_to_f32(x);
        else return x;
    }
};

struct Q8Rows {
    KvQ8Rows rows;
    int head_dim, n_blocks;
    float operator()(int p, int d) const {
        return rows.codes[static_cast<size_t>(p) * head_dim + d] *
               rows.scales[static_cast<size_t>(p) * n_blocks + d / kKvQ8Block];
    }
};

// One attention head over n_pos cached rows.
template <class Rows>
void attention_head(const float* q, Rows k, Rows v, int head_dim, int n_pos, float* scores, float* out) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    float max_score = -INFINITY;
    for (int p = 0; p < n_pos; ++p) {
        float dot = 0.0f;
        for (int d = 0; d < head_dim; ++d) dot += q[d] * k(p, d);
        scores[p] = dot * scale;
        max_score = std::max(max_score, scores[p]);
    }
    float total = 0.0f;
    for (int p = 0; p < n_pos; ++p) {
        scores[p] = exp_rn(scores[p] - max_score);
        total += scores[p];
    }
    std::fill(out, out + head_dim, 0.0f);
    for (int p = 0; p < n_pos; ++p) {
        const float wgt = scores[p] / total;
        for (int d = 0; d < head_dim; ++d) out[d] += wgt * v(p, d);
    }
}

}  // namespace

void cpu_attention_head(const float* q, const float* k_cache, const float* v_cache, int kv_stride, int kv_offset,
                        int head_dim, int n_pos, float* scores, float* out) {
    attention_head(q, PlainRows<float>{k_cache + kv_offset, kv_stride},
                   PlainRows<float>{v_cache + kv_offset, kv_stride}, head_dim, n_pos, scores, out);
}

void cpu_attention_head(const float* q, const uint16_t* k_cache, const uint16_t* v_cache, int kv_stride,
                        int kv_offset, int head_dim, int n_pos, float* scores, float* out) {
    attention_head(q, PlainRows<uint16_t>{k_cache + kv_offset, kv_stride},
                   PlainRows<uint16_t>{v_cache + kv_offset, kv_stride}, head_dim, n_pos, scores, out);
}

void cpu_dequantize_kv_q8(const int8_t* codes, const float* scales, int n, float* out) {
    for (int i = 0; i < n; ++i) out[i] = codes[i] * scales[i / kKvQ8Block];
}

void cpu_attention_head_q8(const float* q, KvQ8Rows k, KvQ8Rows v, int head_dim, int n_pos, float* scores,
                           float* out) {
    const int n_blocks = kv_q8_blocks(head_dim);
    attention_head(q, Q8Rows{k, head_dim, n_blocks}, Q8Rows{v, head_dim, n_blocks}, head_dim, n_pos, scores, out);
}

void cpu_glu(const float* gate, const float* up, size_t n, bool silu, float* out) {
    if (silu) {
        for (size_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + exp_rn(-gate[i])) * up[i];
        return;
    }
    // relu(g)^2 as a select, not a branch: half the gates are negative, so a branch mispredicts
    // half the time. NaN gates give 0, as g > 0 is false.
    for (size_t i = 0; i < n; ++i) {
        const float r = gate[i] > 0.0f ? gate[i] : 0.0f;
        out[i] = r * r * up[i];
    }
}

}  // namespace tern
