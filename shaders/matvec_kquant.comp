#version 450
// Q4_K, Q5_K or Q6_K weights (the k-quant heads of llama.cpp's files), read as stored, times
// Q8_0-quantized activations, for up to NT tokens, as the CPU references cpu_q4_k_rows /
// cpu_q5_k_rows / cpu_q6_k_rows define it. Each thread takes 32-value groups, which are the Q8_0
// activation blocks:
//   Q4_K / Q5_K (group = sub-block j): d * float(scale_j * dot_j) * xd - dmin * float(min_j) *
//               (float(sum_j) * xd), dot_j the exact integer dot of codes and activation codes,
//               sum_j the activation codes' sum;
//   Q6_K (group = two 16-value sub-blocks): float(sc_0 * dot_0 + sc_1 * dot_1) * (d * xd), with
//               dot_i = dot(codes, a) - 32 * sum(a), the exact dot of (code - 32) and a.
// The integer parts are exact; the float sums over groups are the CPU's to rounding (per-thread
// partial sums, then a reduction).
#include "common.glsl"

layout(constant_id = 0) const uint WG = 32;  // power of two
layout(constant_id = 1) const uint NR = 2;   // rows per workgroup
const uint NT = 8;                           // tokens per dispatch
layout(local_size_x_id = 0) in;

layout(binding = 0) readonly buffer W { uint w[]; };  // the rows of this chunk, as in the file
layout(binding = 3) readonly buffer XQ { int xq[]; };
layout(binding = 4) readonly buffer XD { float xd[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint nb, n_tok, rows;  // nb: 32-value groups per row
    uint xq_off, xd_off;   // first token's packed activations / block scales
    uint out_off, out_stride;
    float extra;
} p;

#include "kquant.glsl"

shared float red[NT * NR * WG];

void main() {
    const uint row0 = flat_group() * NR;
    if (row0 >= p.rows) return;
    const uint lid = gl_LocalInvocationID.x;
    const uint row_bytes = p.nb / 8u * BLOCK_BYTES;

    float acc[NT * NR];
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) acc[i] = 0.0;

    for (uint u = lid; u < p.nb; u += WG) {
        const uint b = u >> 3, g = u & 7u;
        // This group's codes and scales for every row, then each token's activations once.
        uint c[NR * 8];
#if defined(Q6_K)
        int sc0[NR], sc1[NR];
        float d[NR];
#else
        int sc[NR];
        float mn[NR], d[NR], dmin[NR];
#endif
        [[unroll]] for (uint r = 0; r < NR; ++r) {
            const uint row = min(row0 + r, p.rows - 1);  // out-of-range rows are computed, not stored
            const uint blk = row * row_bytes + b * BLOCK_BYTES;
            [[unroll]] for (uint i = 0; i < 8; ++i) c[r * 8 + i] = block_codes4(blk, g, i);
#if defined(Q6_K)
            sc0[r] = q6_scale(blk, 2u * g);
            sc1[r] = q6_scale(blk, 2u * g + 1u);
            d[r] = q6_d(blk);
#else
            uint s, m;
            qk_scale_min(blk, g, s, m);
            sc[r] = int(s);
            mn[r] = float(m);
            const vec2 dd = unpackHalf2x16(w[blk >> 2]);
            d[r] = dd.x;
            dmin[r] = dd.y;
#endif
        }
        for (uint t = 0; t < p.n_tok; ++t) {
            // The activation codes unpacked once for all NR rows.
            const uint xb = p.xq_off + t * p.nb * 8u + u * 8u;
            ivec4 a[8];
            [[unroll]] for (uint i = 0; i < 8; ++i) a[i] = unpack_i8(xq[xb + i]);
            const float x_d = xd[p.xd_off + t * p.nb + u];
#if defined(Q6_K)
            const ivec4 s0 = (a[0] + a[1]) + (a[2] + a[3]), s1 = (a[4] + a[5]) + (a[6] + a[7]);
            const int sum0 = (s0.x + s0.y) + (s0.z + s0.w), sum1 = (s1.x + s1.y) + (s1.z + s1.w);
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                int dot0 = -32 * sum0, dot1 = -32 * sum1;
                [[unroll]] for (uint i = 0; i < 4; ++i) {
                    dot0 += dot4(c[r * 8 + i], a[i]);
                    dot1 += dot4(c[r * 8 + 4 + i], a[4 + i]);
                }
                precise float scale = d[r] * x_d;
                precise float prod = float(dot0 * sc0[r] + dot1 * sc1[r]) * scale;
                precise float sum = acc[t * NR + r] + prod;
                acc[t * NR + r] = sum;
            }
#else
            const ivec4 s4 = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
            const int sum = (s4.x + s4.y) + (s4.z + s4.w);
            precise float sum_xd = float(sum) * x_d;
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                int dot = 0;
                [[unroll]] for (uint i = 0; i < 8; ++i) dot += dot4(c[r * 8 + i], a[i]);
                precise float scaled = float(sc[r] * dot) * x_d;
                precise float mins = mn[r] * sum_xd;
                precise float y = d[r] * scaled - dmin[r] * mins;
                precise float total = acc[t * NR + r] + y;
                acc[t * NR + r] = total;
            }
#endif
        }
    }

#ifdef SUBGROUP
    const uint n_out = p.n_tok * NR;
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) {
        if (i < n_out) {
            const float v = subgroupAdd(acc[i]);
            if (subgroupElect()) red[i * WG + gl_SubgroupID] = v;
        }
    }
    barrier();
    if (gl_NumSubgroups > 1) {
        for (uint i = lid; i < n_out; i += WG) {
            float a = red[i * WG];
            for (uint sg = 1; sg < gl_NumSubgroups; ++sg) a += red[i * WG + sg];
            red[i * WG] = a;  // only this thread reads slot i * WG below
        }
    }
#else
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) red[i * WG + lid] = acc[i];
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (lid < h)
            for (uint i = 0; i < p.n_tok * NR; ++i) red[i * WG + lid] += red[i * WG + lid + h];
        barrier();
    }
#endif
    for (uint i = lid; i < p.n_tok * NR; i += WG) {
        const uint t = i / NR, row = row0 + i % NR;
        if (row < p.rows) {
            precise float y = red[i * WG] * p.extra;
            o[p.out_off + t * p.out_stride + row] = y;
        }
    }
}
