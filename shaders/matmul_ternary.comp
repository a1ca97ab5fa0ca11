#version 450
// Tiled ternary mat-mat for prefill: a workgroup computes a 32-row x 32-token tile of the output,
// stepping through K 64 weights at a time. Each step decodes the tile's 2-bit codes into signed
// packed int8 in shared memory next to the tokens' packed activations; each of the 64 threads
// then accumulates a 4x4 block with 4-way int8 dot products. Weights are read once per 32 tokens
// instead of once per 8 (the mat-vec path). Only for tensors with one scale (nb == 0): the sums
// are exact integers scaled once, like the CPU reference.
#include "common.glsl"
#ifdef INT_DOT
#extension GL_EXT_spirv_intrinsics : require
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4450)
int dotPacked4x8EXT(int a, int b, spirv_literal int fmt);
#endif

const uint BM = 32, BN = 32, TM = 4, TN = 4, WG = 64;  // (BM / TM) * (BN / TN) == WG
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer W { uint w[]; };
layout(binding = 3) readonly buffer XQ { int xq[]; };
layout(binding = 4) readonly buffer XS { float xs[]; };
layout(binding = 5) writeonly buffer O { float o[]; };

layout(push_constant) uniform P {
    uint n_chunks, n_tok, rows;
    uint xq_off, xs_off;
    uint scale_off;
    uint out_off, out_stride;
    float extra;
    uint groups_m;  // row tiles; the flat group index is tile_n * groups_m + tile_m
} p;

// Both k-major, so in the inner loop a subgroup's lanes (consecutive tc) read consecutive tokens
// and share one row's codes.
shared int As[16 * BM];  // [16 packed ints = 64 weights][row]
shared int Bs[16 * BN];  // [16 packed ints][token]
shared int Cs[BM * BN];  // the integer sums, for the epilogue

int dot4(int a, int b) {
#ifdef INT_DOT
    return dotPacked4x8EXT(a, b, 0);
#else
    return bitfieldExtract(a, 0, 8) * bitfieldExtract(b, 0, 8) + bitfieldExtract(a, 8, 8) * bitfieldExtract(b, 8, 8) +
           bitfieldExtract(a, 16, 8) * bitfieldExtract(b, 16, 8) + bitfieldExtract(a, 24, 8) * bitfieldExtract(b, 24, 8);
#endif
}

void main() {
    const uint g = flat_group();
    const uint tile_m = g % p.groups_m, tile_n = g / p.groups_m;
    const uint row0 = tile_m * BM, tok0 = tile_n * BN;
    if (tok0 >= p.n_tok) return;
    const uint lid = gl_LocalInvocationID.x;
    // This thread's rows tr * TM + m and tokens tc + n * (BN / TN).
    const uint tr = lid / (BN / TN), tc = lid % (BN / TN);
    const uint xq_stride = p.n_chunks * 16;

    int acc[TM * TN];
    [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0;

    for (uint c = 0; c < p.n_chunks; ++c) {
        // 32 rows x 4 code words: two words per thread, each giving 4 packed signed ints.
        [[unroll]] for (uint j = 0; j < 2; ++j) {
            const uint idx = lid * 2 + j, r = idx / 4, word = idx % 4;
            const uint v = w[(min(row0 + r, p.rows - 1) * p.n_chunks + c) * 4 + word];
            [[unroll]] for (uint s = 0; s < 4; ++s)
                As[(4 * s + word) * BM + r] = int((((v >> (2 * s)) & 0x03030303u) + 0x7F7F7F7Fu) ^ 0x80808080u);
        }
        // 32 tokens x 16 ints: eight per thread.
        [[unroll]] for (uint j = 0; j < 8; ++j) {
            const uint idx = lid * 8 + j, t = idx / 16, i = idx % 16;
            Bs[i * BN + t] = xq[p.xq_off + min(tok0 + t, p.n_tok - 1) * xq_stride + c * 16 + i];
        }
        barrier();
        for (uint i = 0; i < 16; ++i) {
            int a[TM], b[TN];
            [[unroll]] for (uint m = 0; m < TM; ++m) a[m] = As[i * BM + tr * TM + m];
            [[unroll]] for (uint n = 0; n < TN; ++n) b[n] = Bs[i * BN + n * (BN / TN) + tc];
            [[unroll]] for (uint m = 0; m < TM; ++m)
                [[unroll]] for (uint n = 0; n < TN; ++n) acc[m * TN + n] += dot4(a[m], b[n]);
        }
        barrier();
    }

    // The epilogue runs from shared memory in a plain loop (like the mat-vec's): unrolled over
    // the 4x4 block, lavapipe's compiler loses the exact rounding of bitlinear_out.
    [[unroll]] for (uint m = 0; m < TM; ++m)
        [[unroll]] for (uint n = 0; n < TN; ++n) Cs[(tr * TM + m) * BN + n * (BN / TN) + tc] = acc[m * TN + n];
    barrier();
    const float scale = uintBitsToFloat(w[p.scale_off]);
    for (uint i = lid; i < BM * BN; i += WG) {
        const uint row = row0 + i / BN, t = tok0 + i % BN;
        if (row < p.rows && t < p.n_tok)
            o[p.out_off + t * p.out_stride + row] = bitlinear_out(Cs[i], scale, xs[p.xs_off + t], p.extra);
    }
}
