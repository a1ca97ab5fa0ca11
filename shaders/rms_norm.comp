#version 450
// out = x / sqrt(mean(x^2) + eps) * gain, one workgroup per row. out may alias x: every element
// is read before the reduction's barriers and written by the thread that read it.
// With FP64 the sum of squares and the scale are computed in double like the CPU reference, so
// the scale is almost always bit-identical (a 30-layer model amplifies last-bit differences).
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;  // power of two
layout(local_size_x_id = 0) in;

layout(binding = 0) readonly buffer G { float gain[]; };
layout(binding = 3) readonly buffer X { float x[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint n, n_rows, x_off, out_off;
    float eps;
} p;

#ifdef FP64
#define acc_t double
#else
#define acc_t float
#endif
shared acc_t red[WG];

void main() {
    const uint row = flat_group();
    if (row >= p.n_rows) return;
    const uint lid = gl_LocalInvocationID.x;
    acc_t ss = acc_t(0);
    for (uint i = lid; i < p.n; i += WG) {
        const acc_t v = acc_t(x[p.x_off + row * p.n + i]);
        ss += v * v;
    }
#ifdef SUBGROUP
    ss = subgroupAdd(ss);
    if (subgroupElect()) red[gl_SubgroupID] = ss;
    barrier();
    ss = red[0];
    for (uint sg = 1; sg < gl_NumSubgroups; ++sg) ss += red[sg];
#else
    red[lid] = ss;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (lid < h) red[lid] += red[lid + h];
        barrier();
    }
    ss = red[0];
#endif
    const float inv = float(acc_t(1) / sqrt(ss / acc_t(p.n) + acc_t(p.eps)));
    for (uint i = lid; i < p.n; i += WG) {
        precise float y = x[p.x_off + row * p.n + i] * inv * gain[i];
        o[p.out_off + row * p.n + i] = y;
    }
}
