// Q4_K, Q5_K and Q6_K blocks of 256 weights read as the GGUF stores them (the decoders qk_codes and
// q6_k_codes in engine/src/tensor/type_traits.cpp define the layouts), from the buffer `uint w[]`
// that the including shader declares. Addresses are in bytes from the start of the buffer (one
// row chunk); define Q4_K, Q5_K or Q6_K first.

uint byte_at(uint a) { return (w[a >> 2] >> ((a & 3u) * 8u)) & 0xFFu; }

float half_at(uint a) { return unpackHalf2x16(w[a >> 2] >> ((a & 2u) * 8u)).x; }  // a even

#if defined(Q6_K)
// ql[128], qh[64], int8 scales[16], f16 d. Element 32 * g + m of a block (group g of its eight
// 32-value groups): half h = g / 4 and q = g % 4 within it; the low nibble from
// ql[64h + 32(q & 1) + m] (the high nibble for q >= 2), the top two bits from bits 2q, 2q + 1 of
// qh[32h + m]; the value is d * scales[(32g + m) / 16] * (code - 32).
const uint BLOCK_BYTES = 210u;

// The codes (0..63) of group g, four per word (elements 4i..4i+3 in c[i]). The ql and qh runs
// share the block's alignment: nine words each, shifted into place.
void block_codes(uint blk, uint g, out uint c[8]) {
    const uint h = g >> 2, q = g & 3u, s = (blk & 3u) * 8u;
    const uint l0 = (blk + 64u * h + 32u * (q & 1u)) >> 2, h0 = (blk + 128u + 32u * h) >> 2;
    uint l = w[l0], hb = w[h0];
    [[unroll]] for (uint i = 0; i < 8; ++i) {
        const uint ln = w[l0 + i + 1u], hn = w[h0 + i + 1u];
        const uint lw = (l >> s) | ((ln << (31u - s)) << 1u), hw = (hb >> s) | ((hn << (31u - s)) << 1u);
        c[i] = ((lw >> (4u * (q >> 1))) & 0x0F0F0F0Fu) | (((hw >> (2u * q)) & 0x03030303u) << 4);
        l = ln;
        hb = hn;
    }
}
// The code of element e (0..255).
uint block_code(uint blk, uint e) {
    const uint g = e >> 5, m = e & 31u, h = g >> 2, q = g & 3u;
    const uint lo = (byte_at(blk + 64u * h + 32u * (q & 1u) + m) >> (4u * (q >> 1))) & 15u;
    const uint hi = (byte_at(blk + 128u + 32u * h + m) >> (2u * q)) & 3u;
    return lo | (hi << 4);
}
int q6_scale(uint blk, uint j) { return bitfieldExtract(int(byte_at(blk + 192u + j)), 0, 8); }
float q6_d(uint blk) { return half_at(blk + 208u); }
#else
// f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, (Q5_K: qh[32],) qs[128]. Sub-block j (32
// values) has code c_e = the low (j even) or high (j odd) nibble of qs[32 (j / 2) + e], plus 16
// when Q5_K's bit j of qh[e] is set; its values are d * scale_j * c_e - dmin * min_j.
#ifdef Q5_K
const uint BLOCK_BYTES = 176u, QS = 48u;
#else
const uint BLOCK_BYTES = 144u, QS = 16u;
#endif

// The codes of sub-block j, four per word (elements 4i..4i+3 in c[i]; blk is word-aligned: 144
// and 176 are multiples of 4).
void block_codes(uint blk, uint j, out uint c[8]) {
    [[unroll]] for (uint i = 0; i < 8; ++i) {
        c[i] = (w[(blk + QS) / 4u + 8u * (j >> 1) + i] >> (4u * (j & 1u))) & 0x0F0F0F0Fu;
#ifdef Q5_K
        c[i] |= ((w[(blk + 16u) / 4u + i] >> j) & 0x01010101u) << 4;
#endif
    }
}
uint block_code(uint blk, uint e) {
    const uint j = e >> 5, m = e & 31u;
    uint c = (byte_at(blk + QS + 32u * (j >> 1) + m) >> (4u * (j & 1u))) & 15u;
#ifdef Q5_K
    c |= ((byte_at(blk + 16u + m) >> j) & 1u) << 4;
#endif
    return c;
}
// Sub-block j's scale and min: the low 6 bits of packed bytes j and j + 4 for j < 4; else the
// nibbles of byte j + 4 and the top two bits of bytes j - 4 (scale) and j (min).
void qk_scale_min(uint blk, uint j, out uint sc, out uint mn) {
    const uint p = blk + 4u;
    if (j < 4u) {
        sc = byte_at(p + j) & 63u;
        mn = byte_at(p + j + 4u) & 63u;
    } else {
        const uint b = byte_at(p + j + 4u);
        sc = (b & 15u) | ((byte_at(p + j - 4u) >> 6) << 4);
        mn = (b >> 4) | ((byte_at(p + j) >> 6) << 4);
    }
}
#endif
