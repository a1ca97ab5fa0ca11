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
#else
        o[p.out_off + i * p.k + c] = table[base + c];
#endif
    }
}
