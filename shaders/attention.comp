#version 450
// Causal GQA attention over the GPU-resident f32 KV cache, one workgroup per (token, head), with
// the CPU reference's rounding step by step (cpu_attention_head): each score is one sequential
// dot product, the softmax takes the exact maximum, exp(s - max) (correctly rounded with FP64),
// a sequential sum of the exponentials, weights e / total (correctly rounded division), and each
// output dimension accumulates weight * v in position order, without fused multiply-adds.
// Up to CAP positions the scores stay in shared memory; past that they are recomputed in each of
// three passes over tiles of WG positions, so any context fits.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;  // power of two
layout(local_size_x_id = 0) in;
const uint MAX_D = 256;                  // head_dim limit
const uint DPT = (MAX_D + WG - 1) / WG;  // output dims per thread
const uint CAP = 2048;                   // positions whose scores fit in shared memory

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
shared float sc[CAP];  // scores, then exponentials, then weights (or one tile of them)
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

// The maximum over the workgroup (exact whatever the order).
float workgroup_max(float m, uint lid) {
#ifdef SUBGROUP
    m = subgroupMax(m);
    if (subgroupElect()) red[gl_SubgroupID] = m;
    barrier();
    m = red[0];
    for (uint sg = 1; sg < gl_NumSubgroups; ++sg) m = max(m, red[sg]);
#else
    red[lid] = m;
    barrier();
    for (uint hw = WG / 2; hw > 0; hw >>= 1) {
        if (lid < hw) red[lid] = max(red[lid], red[lid + hw]);
        barrier();
    }
    m = red[0];
#endif
    return m;
}

// acc[dj] += w * v[pos][lid + dj * WG], rounded like the reference.
void accumulate(inout float acc[DPT], float w, uint pos, uint koff, uint lid) {
    const uint vb = pos * p.kv_dim + koff;
    [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
        const uint d = lid + dj * WG;
        if (d < p.head_dim) {
            precise float prod = w * vc[vb + d];
            precise float sum = acc[dj] + prod;
            acc[dj] = sum;
        }
    }
}

void main() {
    const uint g = flat_group();
    if (g >= p.n_tok * p.n_head) return;
    const uint t = g / p.n_head, h = g % p.n_head, lid = gl_LocalInvocationID.x;
    const uint koff = (h / (p.n_head / p.n_head_kv)) * p.head_dim;
    const uint n_pos = p.pos0 + t + 1;
    for (uint d = lid; d < p.head_dim; d += WG) qs[d] = q[p.q_off + t * p.q_cols + h * p.head_dim + d];
    barrier();

    float acc[DPT];
    [[unroll]] for (uint j = 0; j < DPT; ++j) acc[j] = 0.0;

    if (n_pos <= CAP) {
        float m = -1.0 / 0.0;
        for (uint pos = lid; pos < n_pos; pos += WG) {
            const float s = score(pos, koff);
            sc[pos] = s;
            m = max(m, s);
        }
        const float mx = workgroup_max(m, lid);
        for (uint pos = lid; pos < n_pos; pos += WG) {  // each thread its own scores: no barrier
            precise float z = sc[pos] - mx;
            sc[pos] = exp_rn(z);
        }
        barrier();
        if (lid == 0) {
            precise float total = 0.0;
            for (uint pos = 0; pos < n_pos; ++pos) total = total + sc[pos];
            total_s = total;
        }
        barrier();
        const float tot = total_s;
        for (uint pos = lid; pos < n_pos; pos += WG) sc[pos] = div_rn(sc[pos], tot);
        barrier();
        for (uint pos = 0; pos < n_pos; ++pos) accumulate(acc, sc[pos], pos, koff, lid);
    } else {
        // 1. The maximum score.
        float m = -1.0 / 0.0;
        for (uint pos = lid; pos < n_pos; pos += WG) m = max(m, score(pos, koff));
        const float mx = workgroup_max(m, lid);
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
        for (uint p0 = 0; p0 < n_pos; p0 += WG) {
            const uint pos = p0 + lid;
            if (pos < n_pos) {
                precise float z = score(pos, koff) - mx;
                sc[lid] = div_rn(exp_rn(z), tot);
            }
            barrier();
            const uint cnt = min(WG, n_pos - p0);
            for (uint j = 0; j < cnt; ++j) accumulate(acc, sc[j], p0 + j, koff, lid);
            barrier();  // sc is rewritten by the next tile
        }
    }
    [[unroll]] for (uint dj = 0; dj < DPT; ++dj) {
        const uint d = lid + dj * WG;
        if (d < p.head_dim) o[p.out_off + t * p.q_cols + h * p.head_dim + d] = acc[dj];
    }
}
