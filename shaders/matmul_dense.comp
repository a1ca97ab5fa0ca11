#version 450
// Tiled float mat-mat for prefill with dense weights (F16 or F32 storage, f32 math): the FP16
// precision's projections and a head computed for many tokens. A workgroup computes a 64-row x
// 32-token tile of the output, stepping through K 32 at a time with both tiles in shared memory;
// each of the 64 threads accumulates an 8x4 block. Weights are read once per 32 tokens instead of
// once per 8 (the mat-vec path). One binding covers one row chunk of a split matrix.
#include "common.glsl"

const uint BM = 64, BN = 32, BK = 32, TM = 8, TN = 4, WG = 64;  // (BM / TM) * (BN / TN) == WG
layout(local_size_x = 64) in;

#ifdef F16
layout(binding = 0) readonly buffer W { uint w[]; };  // two halves per uint
#else
layout(binding = 0) readonly buffer W { float w[]; };
#endif
layout(binding = 3) readonly buffer X { float x[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint k, n_tok, rows;
    uint x_off;            // first token's activations (rows of k)
    uint out_off, out_stride;
    float extra;
    uint groups_m;         // row tiles; the flat group index is tile_n * groups_m + tile_m
} p;

// Both tiles k-major, so in the inner loop a subgroup's lanes (consecutive tc) read consecutive
// tokens and share one row value.
shared float As[BK * BM];  // [k][row]
shared float Bs[BK * BN];  // [k][token]

float weight(uint i) {
#ifdef F16
    return unpackHalf2x16(w[i >> 1] >> ((i & 1u) * 16u)).x;
#else
    return w[i];
#endif
}

void main() {
    const uint g = flat_group();
    const uint tile_m = g % p.groups_m, tile_n = g / p.groups_m;
    const uint row0 = tile_m * BM, tok0 = tile_n * BN;
    if (tok0 >= p.n_tok) return;
    const uint lid = gl_LocalInvocationID.x;
    // This thread's rows tr * TM + m and tokens tc + n * (BN / TN): lanes next to each other read
    // tokens next to each other.
    const uint tr = lid / (BN / TN), tc = lid % (BN / TN);

    float acc[TM * TN];
    [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

    for (uint k0 = 0; k0 < p.k; k0 += BK) {
        // Consecutive threads on consecutive k.
        [[unroll]] for (uint j = 0; j < BM * BK / WG; ++j) {
            const uint idx = j * WG + lid, r = idx / BK, c = idx % BK;
            const uint row = row0 + r, kk = k0 + c;
            As[c * BM + r] = row < p.rows && kk < p.k ? weight(row * p.k + kk) : 0.0;
        }
        [[unroll]] for (uint j = 0; j < BN * BK / WG; ++j) {
            const uint idx = j * WG + lid, r = idx / BK, c = idx % BK;
            const uint t = tok0 + r, kk = k0 + c;
            Bs[c * BN + r] = t < p.n_tok && kk < p.k ? x[p.x_off + t * p.k + kk] : 0.0;
        }
        barrier();
        for (uint c = 0; c < BK; ++c) {
            float a[TM], b[TN];
            [[unroll]] for (uint m = 0; m < TM; ++m) a[m] = As[c * BM + tr * TM + m];
            [[unroll]] for (uint n = 0; n < TN; ++n) b[n] = Bs[c * BN + n * (BN / TN) + tc];
            [[unroll]] for (uint m = 0; m < TM; ++m)
                [[unroll]] for (uint n = 0; n < TN; ++n) acc[m * TN + n] += a[m] * b[n];
        }
        barrier();
    }

    [[unroll]] for (uint m = 0; m < TM; ++m) {
        const uint row = row0 + tr * TM + m;
        [[unroll]] for (uint n = 0; n < TN; ++n) {
            const uint t = tok0 + n * (BN / TN) + tc;
            if (row < p.rows && t < p.n_tok) o[p.out_off + t * p.out_stride + row] = acc[m * TN + n] * p.extra;
        }
    }
}
