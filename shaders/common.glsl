// Shared by every Tern compute shader.
#extension GL_EXT_control_flow_attributes : enable

// Workgroup counts are limited to 65535 per dimension, so big grids spill into y; this is the
// flat index of the current workgroup.
uint flat_group() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }

// q * b as an exact sum hi + lo (Dekker's product with Veltkamp splitting). Plain precise
// multiplies and adds only: fma() may be split into two roundings (lavapipe does).
void two_product(float q, float b, out float hi, out float lo) {
    precise float cq = 4097.0 * q;
    precise float qh = cq - (cq - q);
    precise float ql = q - qh;
    precise float cb = 4097.0 * b;
    precise float bh = cb - (cb - b);
    precise float bl = b - bh;
    precise float p = q * b;
    precise float e = ((qh * bh - p) + qh * bl + ql * bh) + ql * bl;
    hi = p;
    lo = e;
}

// a / b correctly rounded, as the CPU reference divides: Vulkan allows 2.5 ulp for '/', so the
// quotient is corrected once with its exact residual a - q*b.
float div_rn(float a, float b) {
    precise float q = a / b;
    float hi, lo;
    two_product(q, b, hi, lo);
    precise float r = (a - hi) - lo;
    precise float y = q + r / b;
    return y;
}

// A ternary linear's output from its exact integer dot product, rounded step by step like the CPU
// reference: isum * scale / act_scale * extra.
float bitlinear_out(int isum, float scale, float act_scale, float extra) {
    precise float sum = float(isum) * scale;
    precise float y = div_rn(sum, act_scale) * extra;
    return y;
}
