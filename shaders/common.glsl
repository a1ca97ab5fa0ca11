// Shared by every Tern compute shader.
#extension GL_EXT_control_flow_attributes : enable
#ifdef SUBGROUP
// Reductions with subgroup arithmetic (the variants the host picks where the device has it): a
// subgroupAdd/Max per subgroup, then one shared slot per subgroup. The others use a shared-memory
// tree. Never assumes a subgroup size (lavapipe's is 8).
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

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

#ifdef FP64
// exp(x) correctly rounded to float in practice: Cody-Waite reduction by ln 2 in double, a
// degree-13 Taylor polynomial (relative error below 1e-16 on |r| <= ln2/2), scaled by 2^k. The
// CPU reference calls expf; the device's float exp is only accurate to a few ulp, and a 30-layer
// model turns one-ulp differences in the softmax into visible logit drift.
float exp_rn(float x) {
    if (x < -104.0) return 0.0;
    if (x > 89.0) return 1.0 / 0.0;
    const double k = roundEven(double(x) * 1.4426950408889634074lf);
    const double r = (double(x) - k * 6.93147180369123816490e-01lf) - k * 1.90821492927058770002e-10lf;
    double s = 1.0lf / 6227020800.0lf;
    s = s * r + 1.0lf / 479001600.0lf;
    s = s * r + 1.0lf / 39916800.0lf;
    s = s * r + 1.0lf / 3628800.0lf;
    s = s * r + 1.0lf / 362880.0lf;
    s = s * r + 1.0lf / 40320.0lf;
    s = s * r + 1.0lf / 5040.0lf;
    s = s * r + 1.0lf / 720.0lf;
    s = s * r + 1.0lf / 120.0lf;
    s = s * r + 1.0lf / 24.0lf;
    s = s * r + 1.0lf / 6.0lf;
    s = s * r + 0.5lf;
    s = s * r + 1.0lf;
    s = s * r + 1.0lf;
    return float(ldexp(s, int(k)));
}
#else
float exp_rn(float x) { return exp(x); }
#endif
