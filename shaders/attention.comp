#version 450
// Causal GQA attention over the GPU-resident f32 KV cache, one workgroup per (token, head):
// softmax(q.k / sqrt(d)) v with a running max (online softmax) so any context length fits.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;  // power of two
layout(local_size_x_id = 0) in;
const uint MAX_D = 256;                // head_dim limit
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

void main() {
    const uint g = flat_group();
    if (g >= p.n_tok * p.n_head) return;
    const uint t = g / p.n_head, h = g % p.n_head, lid = gl_LocalInvocationID.x;
    const uint koff = (h / (p.n_head / p.n_head_kv)) * p.head_dim;
    const uint n_pos = p.pos0 + t + 1;
    for (uint d = lid; d < p.head_dim; d += WG) qs[d] = q[p.q_off + t * p.q_cols + h * p.head_dim + d];
    barrier();

    float m = -1.0 / 0.0, l = 0.0;
    float acc[DPT];
    [[unroll]] for (uint j = 0; j < DPT; ++j) acc[j] = 0.0;

    for (uint p0 = 0; p0 < n_pos; p0 += WG) {
        const uint pos = p0 + lid;
        float s = -1.0 / 0.0;
        if (pos < n_pos) {
            float dot = 0.0;
            for (uint d = 0; d < p.head_dim; ++d) dot += qs[d] * kc[pos * p.kv_dim + koff + d];
            s = dot * p.scale;
        }
        sc[lid] = s;
        red[lid] = s;
        barrier();
        for (uint hw = WG / 2; hw > 0; hw >>= 1) {
            if (lid < hw) red[lid] = max(red[lid], red[lid + hw]);
            barrier();
        }
        const float m_new = max(m, red[0]);
        const float corr = exp(m - m_new);
        l *= corr;
        [[unroll]] for (uint j = 0; j < DPT; ++j) acc[j] *= corr;
        const uint cnt = min(WG, n_pos - p0);
        for (uint j = 0; j < cnt; ++j) {
            const float e = exp(sc[j] - m_new);
            l += e;
            const uint vb = (p0 + j) * p.kv_dim + koff;
            [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
                const uint d = lid + dj * WG;
                if (d < p.head_dim) acc[dj] += e * vc[vb + d];
            }
        }
        m = m_new;
        barrier();  // sc and red are rewritten by the next tile
    }
    [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
        const uint d = lid + dj * WG;
        if (d < p.head_dim) o[p.out_off + t * p.q_cols + h * p.head_dim + d] = acc[dj] / l;
    }
}
