#version 450
// x += y (the residual adds).
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;

layout(binding = 3) readonly buffer Y { float y[]; };
layout(binding = 5) buffer X { float x[]; };

layout(push_constant) uniform P {
    uint x_off, y_off, count;
} p;

void main() {
    const uint i = flat_group() * WG + gl_LocalInvocationID.x;
    if (i < p.count) x[p.x_off + i] += y[p.y_off + i];
}
