#version 450
// Activations for Q8_0, Q4_K, Q5_K and Q6_K weights, quantized like the CPU reference
// (cpu_quantize_q8_0_activations): per 32-value block d = amax / 127 and q = roundEven(x / d)
// clamped to [-127, 127] (0 when d == 0), both divisions correctly rounded. One workgroup per
// token, one thread per block.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;

layout(binding = 3) readonly buffer X { float x[]; };
layout(binding = 5) writeonly buffer Q { int q[]; };    // per token: k / 4 packed int8
layout(binding = 6) writeonly buffer D { float d[]; };  // per token: k / 32 scales

layout(push_constant) uniform P {
    uint x_off, k, n_tok;
    uint q_off, d_off;
} p;

void main() {
    const uint t = flat_group();
    if (t >= p.n_tok) return;
    const uint nb = p.k / 32;
    for (uint b = gl_LocalInvocationID.x; b < nb; b += WG) {
        const uint base = p.x_off + t * p.k + b * 32;
        float amax = 0.0;
        for (uint i = 0; i < 32; ++i) amax = max(amax, abs(x[base + i]));
        const float db = div_rn(amax, 127.0);
        for (uint i = 0; i < 8; ++i) {
            int packed = 0;
            [[unroll]] for (uint j = 0; j < 4; ++j) {
                const float v = db > 0.0 ? clamp(roundEven(div_rn(x[base + 4 * i + j], db)), -127.0, 127.0) : 0.0;
                packed |= (int(v) & 0xFF) << (8 * j);
            }
            q[p.q_off + t * (p.k / 4) + b * 8 + i] = packed;
        }
        d[p.d_off + t * nb + b] = db;
    }
}
