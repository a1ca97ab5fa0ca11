#version 450
// out = act(gate) * up with act = relu(x)^2 or silu(x); out may alias gate.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;

layout(binding = 3) readonly buffer G { float gate[]; };
layout(binding = 4) readonly buffer U { float up[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint gate_off, up_off, out_off, count, silu;
} p;

void main() {
    const uint i = flat_group() * WG + gl_LocalInvocationID.x;
    if (i >= p.count) return;
    const float g = gate[p.gate_off + i];
    // precise: no fused multiply-adds, the CPU reference rounds every step; exp and the division
    // correctly rounded like the CPU's (exp only with FP64, see exp_rn).
    precise float den = 1.0 + exp_rn(-g);
    precise float a = p.silu != 0 ? div_rn(g, den) : (g > 0.0 ? g * g : 0.0);
    precise float y = a * up[p.up_off + i];
    o[p.out_off + i] = y;
}
