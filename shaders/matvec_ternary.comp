#version 450
// Ternary weights times int8 activations, for up to NT tokens at once, over up to three weights
// that share the input (Q/K/V, gate/up): one dispatch instead of three.
//
// Weight layout (repacked at upload): per row, 64-weight chunks of four uints; byte j of a chunk
// holds weights j, j+16, j+32, j+48 in bits 0-1, 2-3, 4-5, 6-7 as codes w+1. So
// (word >> 2s) & 0x03030303 gives four consecutive weights lined up with one packed int of
// activations. Scales follow the codes in the same buffer: one per tensor (nb == 0) or nb per row,
// each covering cpb chunks.
//
// With one scale the integer sum is exact and scaled once, exactly as the CPU reference does.
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

layout(binding = 0) readonly buffer W0 { uint w0[]; };
layout(binding = 1) readonly buffer W1 { uint w1[]; };
layout(binding = 2) readonly buffer W2 { uint w2[]; };
layout(binding = 3) readonly buffer XQ { int xq[]; };
// The same buffers, 16 bytes at a time (one 64-weight chunk of codes, 16 activations).
layout(binding = 0) readonly buffer W0v { uvec4 w0v[]; };
layout(binding = 1) readonly buffer W1v { uvec4 w1v[]; };
layout(binding = 2) readonly buffer W2v { uvec4 w2v[]; };
layout(binding = 3) readonly buffer XQv { ivec4 xqv[]; };
layout(binding = 4) readonly buffer XS { float xs[]; };
layout(binding = 5) writeonly buffer O0 { float o0[]; };
layout(binding = 6) writeonly buffer O1 { float o1[]; };
layout(binding = 7) writeonly buffer O2 { float o2[]; };

layout(push_constant) uniform P {
    uint n_chunks;         // 64-weight chunks per row
    uint n_tok;            // <= NT
    uint xq_off, xs_off;   // first token's packed activations / scale
    uint cpb;              // chunks per scale block when nb > 1
    uint groups0, groups1, groups2;  // cumulative workgroup counts of the segments
    uint rows[3];
    uint nb[3];
    uint scale_off[3];     // uint offset of the scales in the weight buffer
    uint out_off[3];
    uint out_stride[3];
    float extra[3];
} p;

shared uint red[NT * NR * WG];

uint wload(uint seg, uint i) {
    if (seg == 0) return w0[i];
    if (seg == 1) return w1[i];
    return w2[i];
}

uvec4 wload4(uint seg, uint i) {
    if (seg == 0) return w0v[i];
    if (seg == 1) return w1v[i];
    return w2v[i];
}

void store(uint seg, uint i, float v) {
    if (seg == 0) o0[i] = v;
    else if (seg == 1) o1[i] = v;
    else o2[i] = v;
}

int dot4(uint codes, int a) {
#ifdef INT_DOT
    // codes + 127 then flip the top bit: each byte becomes the signed weight c - 1, no carries.
    return dotPacked4x8EXT(int((codes + 0x7F7F7F7Fu) ^ 0x80808080u), a, 0);
#else
    return (int(codes & 3u) - 1) * bitfieldExtract(a, 0, 8) +
           (int((codes >> 8) & 3u) - 1) * bitfieldExtract(a, 8, 8) +
           (int((codes >> 16) & 3u) - 1) * bitfieldExtract(a, 16, 8) +
           (int(codes >> 24) - 1) * bitfieldExtract(a, 24, 8);
#endif
}

void main() {
    const uint g = flat_group();
    if (g >= p.groups2) return;
    const uint seg = g < p.groups0 ? 0 : (g < p.groups1 ? 1 : 2);
    const uint row0 = (g - (seg == 0 ? 0 : (seg == 1 ? p.groups0 : p.groups1))) * NR;
    const uint rows = p.rows[seg];
    const uint nb = p.nb[seg];
    const uint lid = gl_LocalInvocationID.x;
    const uint xq_stride = p.n_chunks * 16;

    int acc_i[NT * NR];
    float acc_f[NT * NR];
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) {
        acc_i[i] = 0;
        acc_f[i] = 0.0;
    }

    // (xq_off is a multiple of 4: the host binds whole 64-byte rows of activations.)
    if (p.n_tok == 1 && nb == 0) {
        // Decode with one scale per tensor: 16-byte loads, one group of 16 activation ints per
        // chunk for all NR rows, and acc indexed by constants only (lavapipe runs this much faster).
        for (uint c = lid; c < p.n_chunks; c += WG) {
            const uint xb = p.xq_off / 4 + c * 4;
            const ivec4 a0 = xqv[xb], a1 = xqv[xb + 1], a2 = xqv[xb + 2], a3 = xqv[xb + 3];
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                const uvec4 v = wload4(seg, min(row0 + r, rows - 1) * p.n_chunks + c);
                int d = 0;
                [[unroll]] for (uint w = 0; w < 4; ++w)
                    d += dot4(v[w] & 0x03030303u, a0[w]) + dot4((v[w] >> 2) & 0x03030303u, a1[w]) +
                         dot4((v[w] >> 4) & 0x03030303u, a2[w]) + dot4((v[w] >> 6) & 0x03030303u, a3[w]);
                acc_i[r] += d;
            }
        }
    } else
    for (uint c = lid; c < p.n_chunks; c += WG) {
        [[unroll]] for (uint r = 0; r < NR; ++r) {
            const uint row = min(row0 + r, rows - 1);  // out-of-range rows are computed, not stored
            const uvec4 v = wload4(seg, row * p.n_chunks + c);
            const float bscale = nb == 0 ? 0.0 : uintBitsToFloat(wload(seg, p.scale_off[seg] + row * nb + c / p.cpb));
            for (uint t = 0; t < p.n_tok; ++t) {
                const uint xb = (p.xq_off + t * xq_stride) / 4 + c * 4;
                int d = 0;
                [[unroll]] for (uint s = 0; s < 4; ++s) {
                    const ivec4 a = xqv[xb + s];
                    [[unroll]] for (uint w = 0; w < 4; ++w) d += dot4((v[w] >> (2 * s)) & 0x03030303u, a[w]);
                }
                if (nb == 0) acc_i[t * NR + r] += d;
                else acc_f[t * NR + r] += float(d) * bscale;
            }
        }
    }

    // Reduction over the workgroup; ints stay ints so the one-scale sum is exact.
#ifdef SUBGROUP
    const uint n_out = p.n_tok * NR;
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) {
        if (i < n_out) {
            const uint v = nb == 0 ? uint(subgroupAdd(acc_i[i])) : floatBitsToUint(subgroupAdd(acc_f[i]));
            if (subgroupElect()) red[i * WG + gl_SubgroupID] = v;
        }
    }
    barrier();
    if (gl_NumSubgroups > 1) {
        for (uint i = lid; i < n_out; i += WG) {
            uint a = red[i * WG];
            for (uint sg = 1; sg < gl_NumSubgroups; ++sg) {
                const uint b = red[i * WG + sg];
                a = nb == 0 ? uint(int(a) + int(b)) : floatBitsToUint(uintBitsToFloat(a) + uintBitsToFloat(b));
            }
            red[i * WG] = a;  // only this thread reads slot i * WG below
        }
    }
#else
    [[unroll]] for (uint i = 0; i < NT * NR; ++i)
        red[i * WG + lid] = nb == 0 ? uint(acc_i[i]) : floatBitsToUint(acc_f[i]);
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (lid < h) {
            for (uint i = 0; i < p.n_tok * NR; ++i) {
                const uint a = red[i * WG + lid], b = red[i * WG + lid + h];
                red[i * WG + lid] = nb == 0 ? uint(int(a) + int(b)) : floatBitsToUint(uintBitsToFloat(a) + uintBitsToFloat(b));
            }
        }
        barrier();
    }
#endif
    for (uint i = lid; i < p.n_tok * NR; i += WG) {
        const uint t = i / NR, r = i % NR, row = row0 + r;
        if (row >= rows) continue;
        const uint bits = red[i * WG];
        precise float sum = nb == 0 ? float(int(bits)) * uintBitsToFloat(wload(seg, p.scale_off[seg])) : uintBitsToFloat(bits);
        precise float y = div_rn(sum, xs[p.xs_off + t]) * p.extra[seg];
        store(seg, p.out_off[seg] + t * p.out_stride[seg] + row, y);
    }
}
