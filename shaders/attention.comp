#version 450
// Causal GQA attention over the GPU-resident f32 KV cache, one workgroup per (token, head), with
// the CPU reference's rounding step by step (cpu_attention_head): each score is one sequential
// dot product, the softmax takes the exact maximum, exp(s - max) (correctly rounded with FP64),
// a sequential sum of the exponentials, weights e / total (correctly rounded division), and each
// output dimension accumulates weight * v in position order, without fused multiply-adds.
// Scores are recomputed in each of the three passes instead of stored, so any context fits; the
// dot products are a small part of a token's work.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;  // power of two
layout(local_size_x_id = 0) in;
const uint MAX_D = 256;                  // head_dim limit
const uint DPT = (MAX_D + WG - 1) / WG;  // output dims per thread

layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer K { float kc[]; };
layout(binding = 2) readonly buffer V { float vc[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint q_off, out_off, q_cols;  // q and out rows are n_head * head_dim wide
    uint n_tok, n_head, n_head_kv, head_dim, kv_dim, pos0;
    float scale;
} p;

shared float qs[MAX_D];
shared float sc[WG];
shared float red[WG];
shared float total_s;

float score(uint pos, uint koff) {
    const uint kb = pos * p.kv_dim + koff;
    precise float dot = 0.0;
    for (uint d = 0; d < p.head_dim; ++d) {
        precise float prod = qs[d] * kc[kb + d];
        dot = dot + prod;
    }
    precise float s = dot * p.scale;
    return s;
}

void main() {
    const uint g = flat_group();
    if (g >= p.n_tok * p.n_head) return;
    const uint t = g / p.n_head, h = g % p.n_head, lid = gl_LocalInvocationID.x;
    const uint koff = (h / (p.n_head / p.n_head_kv)) * p.head_dim;
    const uint n_pos = p.pos0 + t + 1;
    for (uint d = lid; d < p.head_dim; d += WG) qs[d] = q[p.q_off + t * p.q_cols + h * p.head_dim + d];
    barrier();

    // 1. The maximum score (exact whatever the order).
    float m = -1.0 / 0.0;
    for (uint pos = lid; pos < n_pos; pos += WG) m = max(m, score(pos, koff));
    red[lid] = m;
    barrier();
    for (uint hw = WG / 2; hw > 0; hw >>= 1) {
        if (lid < hw) red[lid] = max(red[lid], red[lid + hw]);
        barrier();
    }
    const float mx = red[0];

    // 2. The sum of exp(s - max), in position order.
    precise float total = 0.0;
    for (uint p0 = 0; p0 < n_pos; p0 += WG) {
        const uint pos = p0 + lid;
        if (pos < n_pos) {
            precise float z = score(pos, koff) - mx;
            sc[lid] = exp_rn(z);
        }
        barrier();
        if (lid == 0) {
            const uint cnt = min(WG, n_pos - p0);
            for (uint j = 0; j < cnt; ++j) total = total + sc[j];
        }
        barrier();
    }
    if (lid == 0) total_s = total;
    barrier();
    const float tot = total_s;

    // 3. out[d] = sum over positions of (e / total) * v[d], in position order.
    float acc[DPT];
    [[unroll]] for (uint j = 0; j < DPT; ++j) acc[j] = 0.0;
    for (uint p0 = 0; p0 < n_pos; p0 += WG) {
        const uint pos = p0 + lid;
        if (pos < n_pos) {
            precise float z = score(pos, koff) - mx;
            sc[lid] = div_rn(exp_rn(z), tot);
        }
        barrier();
        const uint cnt = min(WG, n_pos - p0);
        for (uint j = 0; j < cnt; ++j) {
            const float wgt = sc[j];
            const uint vb = (p0 + j) * p.kv_dim + koff;
            [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
                const uint d = lid + dj * WG;
                if (d < p.head_dim) {
                    precise float prod = wgt * vc[vb + d];
                    precise float sum = acc[dj] + prod;
                    acc[dj] = sum;
                }
            }
        }
        barrier();  // sc is rewritten by the next tile
    }
    [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
        const uint d = lid + dj * WG;
        if (d < p.head_dim) o[p.out_off + t * p.q_cols + h * p.head_dim + d] = acc[dj];
    }
}
