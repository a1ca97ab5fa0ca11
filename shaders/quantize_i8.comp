#version 450
// BitNet activation quantization, one workgroup per token:
// s = 127 / max(absmax, 1e-5), q = clamp(roundEven(x * s), -128, 127), packed four per int.
// Positions past k (row padding up to the weights' 64-column chunks) are written as zeros.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;  // power of two
layout(local_size_x_id = 0) in;

layout(binding = 3) readonly buffer X { float x[]; };
layout(binding = 5) writeonly buffer Q { int q[]; };
layout(binding = 6) writeonly buffer S { float s[]; };

layout(push_constant) uniform P {
    uint x_off, k, n_tok;
    uint q_off, q_stride;  // ints per token (padded k / 4)
    uint s_off;
} p;

shared float red[WG];

void main() {
    const uint t = flat_group();
    if (t >= p.n_tok) return;
    const uint lid = gl_LocalInvocationID.x;
    const uint base = p.x_off + t * p.k;

    float m = 0.0;
    for (uint i = lid; i < p.k; i += WG) m = max(m, abs(x[base + i]));
#ifdef SUBGROUP
    m = subgroupMax(m);
    if (subgroupElect()) red[gl_SubgroupID] = m;
    barrier();
    m = red[0];
    for (uint sg = 1; sg < gl_NumSubgroups; ++sg) m = max(m, red[sg]);
#else
    red[lid] = m;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (lid < h) red[lid] = max(red[lid], red[lid + h]);
        barrier();
    }
    m = red[0];
#endif
    const float amax = max(m, 1e-5);
    // The correctly rounded scale, so the int8 values match the CPU exactly.
    const float sc = div_rn(127.0, amax);

    for (uint i = lid; i < p.q_stride; i += WG) {
        int packed = 0;
        [[unroll]] for (uint j = 0; j < 4; ++j) {
            const uint e = 4 * i + j;
            int v = 0;
            if (e < p.k) v = int(clamp(roundEven(x[base + e] * sc), -128.0, 127.0));
            packed |= (v & 0xFF) << (8 * j);
        }
        q[p.q_off + t * p.q_stride + i] = packed;
    }
    if (lid == 0) s[p.s_off + t] = sc;
}
