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
// With INT_DOT: the four-byte dots as OpSDot (devices with accelerated 4x8-bit dot products).
#include "common.glsl"

#ifdef INT_DOT
#extension GL_EXT_spirv_intrinsics : require
// OpSDot (SPV_KHR_integer_dot_product); this glslc cannot compile GL_EXT_integer_dot_product.
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4450)
int dotPacked4x8EXT(int a, int b, spirv_literal int fmt);
#endif

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

// Four activation codes: packed for OpSDot, else unpacked once for all NR rows.
#ifdef INT_DOT
#define ACT4 int
ACT4 act4(int v) { return v; }
int act_sum(ACT4 a) { return dotPacked4x8EXT(a, 0x01010101, 0); }
// Four weight codes, one per byte (each below 128), times four activation codes, summed.
int dot4(uint c, ACT4 a) { return dotPacked4x8EXT(int(c), a, 0); }
#else
#define ACT4 ivec4
ACT4 act4(int v) {
    return ivec4(bitfieldExtract(v, 0, 8), bitfieldExtract(v, 8, 8), bitfieldExtract(v, 16, 8), bitfieldExtract(v, 24, 8));
}
int act_sum(ACT4 a) { return (a.x + a.y) + (a.z + a.w); }
int dot4(uint c, ACT4 a) {
    return int(c & 0xFFu) * a.x + int((c >> 8) & 0xFFu) * a.y + int((c >> 16) & 0xFFu) * a.z + int(c >> 24) * a.w;
}
#endif

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
        uint c[NR][8];
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
            block_codes(blk, g, c[r]);
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
            const uint xb = p.xq_off + t * p.nb * 8u + u * 8u;
            ACT4 a[8];
            [[unroll]] for (uint i = 0; i < 8; ++i) a[i] = act4(xq[xb + i]);
            const float x_d = xd[p.xd_off + t * p.nb + u];
#if defined(Q6_K)
            const int sum0 = (act_sum(a[0]) + act_sum(a[1])) + (act_sum(a[2]) + act_sum(a[3]));
            const int sum1 = (act_sum(a[4]) + act_sum(a[5])) + (act_sum(a[6]) + act_sum(a[7]));
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                int dot0 = -32 * sum0, dot1 = -32 * sum1;
                [[unroll]] for (uint i = 0; i < 4; ++i) {
                    dot0 += dot4(c[r][i], a[i]);
                    dot1 += dot4(c[r][4 + i], a[4 + i]);
                }
                precise float scale = d[r] * x_d;
                precise float prod = float(dot0 * sc0[r] + dot1 * sc1[r]) * scale;
                precise float sum = acc[t * NR + r] + prod;
                acc[t * NR + r] = sum;
            }
#else
            int sum = 0;
            [[unroll]] for (uint i = 0; i < 8; ++i) sum += act_sum(a[i]);
            precise float sum_xd = float(sum) * x_d;
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                int dot = 0;
                [[unroll]] for (uint i = 0; i < 8; ++i) dot += dot4(c[r][i], a[i]);
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
