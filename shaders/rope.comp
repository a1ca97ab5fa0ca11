#version 450
// Rotary embedding in place. NEOX mode: in each head, dimension i pairs with i + head_dim/2;
// normal mode (llama.cpp's, for llama): dimensions 2i and 2i+1 pair. The cos/sin table
// ([pos][head_dim/2] pairs, frequency scale and factors folded in) is computed on the host in
// double precision, as the CPU reference does.
#include "common.glsl"

layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;

layout(binding = 3) buffer X { float x[]; };
layout(binding = 4) readonly buffer T { vec2 cs[]; };

layout(push_constant) uniform P {
    uint x_off, n_rows, n_heads, head_dim, pos0, cols, neox;
} p;

void main() {
    const uint half_dim = p.head_dim / 2;
    const uint id = flat_group() * WG + gl_LocalInvocationID.x;
    if (id >= p.n_rows * p.n_heads * half_dim) return;
    const uint i = id % half_dim, h = (id / half_dim) % p.n_heads, row = id / (half_dim * p.n_heads);
    const vec2 c = cs[(p.pos0 + row) * half_dim + i];
    const uint head = p.x_off + row * p.cols + h * p.head_dim;
    const uint a = p.neox != 0 ? head + i : head + 2 * i;
    const uint b = p.neox != 0 ? a + half_dim : a + 1;
    const float x0 = x[a], x1 = x[b];
    // precise: no fused multiply-adds, the CPU reference rounds every product.
    precise float y0 = x0 * c.x - x1 * c.y;
    precise float y1 = x0 * c.y + x1 * c.x;
    x[a] = y0;
    x[b] = y1;
}
