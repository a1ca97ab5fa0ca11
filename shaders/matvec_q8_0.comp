#version 450
// Q8_0 weights (the opt-in 8-bit LM head) times Q8_0-quantized activations, for up to NT tokens,
// as the CPU reference cpu_q8_0_rows defines it: exact integer dot per 32-value block, scaled by
// d_w * d_x, summed over blocks (here in per-thread partial sums, so equal to rounding).
//
// Weight layout (repacked at upload, per row chunk): the int8 values of row r, block b as 8 packed
// ints at (r * nb + b) * 8, then the f32 block scales at scale_off + r * nb + b.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 32;  // power of two
layout(constant_id = 1) const uint NR = 2;   // rows per workgroup
const uint NT = 8;                           // tokens per dispatch
layout(local_size_x_id = 0) in;

layout(binding = 0) readonly buffer W { int w[]; };
layout(binding = 3) readonly buffer XQ { int xq[]; };
layout(binding = 4) readonly buffer XD { float xd[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint nb, n_tok, rows;
    uint xq_off, xd_off;   // first token's packed activations / block scales
    uint scale_off;        // in the weight buffer, in words
    uint out_off, out_stride;
    float extra;
} p;

shared float red[NT * NR * WG];

int dot4(int a, int b) {
    return bitfieldExtract(a, 0, 8) * bitfieldExtract(b, 0, 8) + bitfieldExtract(a, 8, 8) * bitfieldExtract(b, 8, 8) +
           bitfieldExtract(a, 16, 8) * bitfieldExtract(b, 16, 8) + bitfieldExtract(a, 24, 8) * bitfieldExtract(b, 24, 8);
}

void main() {
    const uint row0 = flat_group() * NR;
    if (row0 >= p.rows) return;
    const uint lid = gl_LocalInvocationID.x;

    float acc[NT * NR];
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) acc[i] = 0.0;

    for (uint b = lid; b < p.nb; b += WG) {
        [[unroll]] for (uint r = 0; r < NR; ++r) {
            const uint row = min(row0 + r, p.rows - 1);  // out-of-range rows are computed, not stored
            const uint wb = (row * p.nb + b) * 8;
            const ivec4 w0 = ivec4(w[wb], w[wb + 1], w[wb + 2], w[wb + 3]);
            const ivec4 w1 = ivec4(w[wb + 4], w[wb + 5], w[wb + 6], w[wb + 7]);
            const float dw = intBitsToFloat(w[p.scale_off + row * p.nb + b]);
            for (uint t = 0; t < p.n_tok; ++t) {
                const uint xb = p.xq_off + t * p.nb * 8 + b * 8;
                int dot = 0;
                [[unroll]] for (uint i = 0; i < 4; ++i) dot += dot4(w0[i], xq[xb + i]) + dot4(w1[i], xq[xb + 4 + i]);
                precise float scale = dw * xd[p.xd_off + t * p.nb + b];
                precise float prod = float(dot) * scale;
                precise float sum = acc[t * NR + r] + prod;
                acc[t * NR + r] = sum;
            }
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
