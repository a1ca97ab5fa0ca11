#version 450
// Float matrix (F16 or F32 storage, f32 math) times f32 activations, for up to NT tokens: the LM
// head and any non-ternary projection. A matrix larger than one binding may cover is split into
// row chunks on the host; this dispatch sees one chunk.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 32;  // power of two
layout(constant_id = 1) const uint NR = 2;   // rows per workgroup
const uint NT = 8;
layout(local_size_x_id = 0) in;

#ifdef F16
layout(binding = 0) readonly buffer W { uint w[]; };  // two halves per uint
layout(binding = 0) readonly buffer W4 { uvec4 w4[]; };  // the same, eight halves at a time
layout(binding = 3) readonly buffer X4 { vec4 x4[]; };
#else
layout(binding = 0) readonly buffer W { float w[]; };
#endif
layout(binding = 3) readonly buffer X { float x[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint k, n_tok, rows;
    uint x_off;            // first token's activations (rows of k)
    uint out_off, out_stride;
    float extra;
} p;

shared float red[NT * NR * WG];

float weight(uint i) {
#ifdef F16
    return unpackHalf2x16(w[i >> 1] >> ((i & 1u) * 16u)).x;
#else
    return w[i];
#endif
}

void main() {
    const uint row0 = flat_group() * NR;
    if (row0 >= p.rows) return;
    const uint lid = gl_LocalInvocationID.x;

    float acc[NT * NR];
    [[unroll]] for (uint i = 0; i < NT * NR; ++i) acc[i] = 0.0;

#ifdef F16
    if ((p.k & 7u) == 0 && (p.x_off & 3u) == 0 && p.n_tok == 1) {
        // Decode (and the LM head) with rows of whole 16-byte groups: eight weights and eight
        // activations per load, for all NR rows.
        const uint k8 = p.k / 8, xb = p.x_off / 4;
        for (uint c = lid; c < k8; c += WG) {
            const vec4 xa = x4[xb + 2 * c], xc = x4[xb + 2 * c + 1];
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                const uvec4 v = w4[min(row0 + r, p.rows - 1) * k8 + c];
                acc[r] += dot(vec4(unpackHalf2x16(v.x), unpackHalf2x16(v.y)), xa) +
                          dot(vec4(unpackHalf2x16(v.z), unpackHalf2x16(v.w)), xc);
            }
        }
    } else if ((p.k & 1u) == 0) {  // rows start on a uint: read two weights per load
        const uint k2 = p.k / 2;
        if (p.n_tok == 1) {
            // Decode (and the LM head): one activation pair per step for all NR rows, and acc
            // indexed by constants only; lavapipe runs this 3x faster than the general loop.
            for (uint c = lid; c < k2; c += WG) {
                const vec2 xv = vec2(x[p.x_off + 2 * c], x[p.x_off + 2 * c + 1]);
                [[unroll]] for (uint r = 0; r < NR; ++r)
                    acc[r] += dot(unpackHalf2x16(w[min(row0 + r, p.rows - 1) * k2 + c]), xv);
            }
        } else {
            for (uint c = lid; c < k2; c += WG) {
                [[unroll]] for (uint r = 0; r < NR; ++r) {
                    const vec2 wv = unpackHalf2x16(w[min(row0 + r, p.rows - 1) * k2 + c]);
                    for (uint t = 0; t < p.n_tok; ++t) {
                        const uint xb = p.x_off + t * p.k + 2 * c;
                        acc[t * NR + r] += wv.x * x[xb] + wv.y * x[xb + 1];
                    }
                }
            }
        }
    } else
#endif
    {
        for (uint c = lid; c < p.k; c += WG) {
            [[unroll]] for (uint r = 0; r < NR; ++r) {
                const float wv = weight(min(row0 + r, p.rows - 1) * p.k + c);
                for (uint t = 0; t < p.n_tok; ++t) acc[t * NR + r] += wv * x[p.x_off + t * p.k + c];
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
        if (row < p.rows) o[p.out_off + t * p.out_stride + row] = red[i * WG] * p.extra;
    }
}
