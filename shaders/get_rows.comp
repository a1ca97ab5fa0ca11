#version 450
// Embedding lookup: out[i] = table[ids[i]] as f32, for the ids that fall in this row chunk of
// the table (big tables are split over several bindings).
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;

#if defined(F16)
layout(binding = 0) readonly buffer T { uint table[]; };
#elif defined(Q8_0)
layout(binding = 0) readonly buffer T { int table[]; };  // matvec_q8_0.comp's layout
#elif defined(Q4_K) || defined(Q5_K) || defined(Q6_K)
layout(binding = 0) readonly buffer T { uint w[]; };  // the rows as in the file (kquant.glsl)
#else
layout(binding = 0) readonly buffer T { float table[]; };
#endif
layout(binding = 3) readonly buffer I { int ids[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint k, n_ids, ids_off;
    uint row_begin, row_end;  // table rows in this chunk
    uint out_off;
    uint scale_off;  // Q8_0: where the block scales start, in words
} p;

#if defined(Q4_K) || defined(Q5_K) || defined(Q6_K)
#include "kquant.glsl"
#endif

void main() {
    const uint i = flat_group();
    if (i >= p.n_ids) return;
    const uint id = uint(ids[p.ids_off + i]);
    if (id < p.row_begin || id >= p.row_end) return;
    const uint base = (id - p.row_begin) * p.k;
    for (uint c = gl_LocalInvocationID.x; c < p.k; c += WG) {
#if defined(F16)
        const uint e = base + c;
        o[p.out_off + i * p.k + c] = unpackHalf2x16(table[e >> 1] >> ((e & 1u) * 16u)).x;
#elif defined(Q8_0)
        // d * q, as dequantize_row computes it.
        const uint e = base + c;
        const float q = float(bitfieldExtract(table[e >> 2], int(8 * (e & 3u)), 8));
        precise float y = intBitsToFloat(table[p.scale_off + e / 32]) * q;
        o[p.out_off + i * p.k + c] = y;
#elif defined(Q6_K)
        // d * scale * (code - 32), as dequantize_row computes it.
        const uint blk = (id - p.row_begin) * (p.k / 256u) * BLOCK_BYTES + c / 256u * BLOCK_BYTES, e = c & 255u;
        precise float ds = q6_d(blk) * float(q6_scale(blk, e >> 4));
        precise float y = ds * float(int(block_code(blk, e)) - 32);
        o[p.out_off + i * p.k + c] = y;
#elif defined(Q4_K) || defined(Q5_K)
        // d * scale * code - dmin * min, as dequantize_row computes it.
        const uint blk = (id - p.row_begin) * (p.k / 256u) * BLOCK_BYTES + c / 256u * BLOCK_BYTES, e = c & 255u;
        uint sc, mn;
        qk_scale_min(blk, e >> 5, sc, mn);
        const vec2 dd = unpackHalf2x16(w[blk >> 2]);
        precise float a = dd.x * float(sc);
        precise float m = dd.y * float(mn);
        precise float y = a * float(block_code(blk, e)) - m;
        o[p.out_off + i * p.k + c] = y;
#else
        o[p.out_off + i * p.k + c] = table[base + c];
#endif
    }
}
