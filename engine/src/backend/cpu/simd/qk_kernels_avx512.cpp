// AVX-512 VNNI kernel for the repacked Q4_K / Q5_K heads (compiled with -mavx512f/bw/vl/vnni;
// called only when the CPU has them). One row per 32-bit lane of a 16-row group, and per lane the
// float operations of cpu_q4_k_rows / cpu_q5_k_rows in their order (mul and add, never fused), so
// the result is the reference's bit for bit.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/simd/dense_kernels_impl.h"

namespace tern::simd::detail {

namespace {

inline __m512i broadcast_word(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// The eight code registers R_0..R_7 of a sub-block (qk_repack.h), each byte back to its code: the
// nibbles of N_0..N_3, and for Q5_K bit m of the high register's byte as bit 4 of R_m. The 16-bit
// shifts move bit m to bit 4 within each byte (a left shift by at most 4 or a right one by at most
// 3), and the 0x10 mask drops what crossed from the neighbouring byte.
template <bool kFive>
inline void unpack_qk_sub_block(const uint8_t* codes, const uint8_t* high, __m512i r[8]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int p = 0; p < 4; ++p) {
        const __m512i n = _mm512_load_si512(codes + 64 * p);
        r[2 * p] = _mm512_and_si512(n, m4);
        r[2 * p + 1] = _mm512_and_si512(_mm512_srli_epi16(n, 4), m4);
    }
    if constexpr (kFive) {
        const __m512i h = _mm512_load_si512(high), m10 = _mm512_set1_epi8(0x10);
        constexpr int kAOrBAndC = 0xF8;  // vpternlogd truth table of A | (B & C)
        r[0] = _mm512_ternarylogic_epi32(r[0], _mm512_slli_epi16(h, 4), m10, kAOrBAndC);
        r[1] = _mm512_ternarylogic_epi32(r[1], _mm512_slli_epi16(h, 3), m10, kAOrBAndC);
        r[2] = _mm512_ternarylogic_epi32(r[2], _mm512_slli_epi16(h, 2), m10, kAOrBAndC);
        r[3] = _mm512_ternarylogic_epi32(r[3], _mm512_slli_epi16(h, 1), m10, kAOrBAndC);
        r[4] = _mm512_ternarylogic_epi32(r[4], h, m10, kAOrBAndC);
        r[5] = _mm512_ternarylogic_epi32(r[5], _mm512_srli_epi16(h, 1), m10, kAOrBAndC);
        r[6] = _mm512_ternarylogic_epi32(r[6], _mm512_srli_epi16(h, 2), m10, kAOrBAndC);
        r[7] = _mm512_ternarylogic_epi32(r[7], _mm512_srli_epi16(h, 3), m10, kAOrBAndC);
    }
}

// The sums of NG consecutive 16-row groups g0.. for one token: the groups share each activation
// broadcast, and give the core NG independent chains to overlap.
template <bool kFive, int NG>
void qk_groups(const RepackedQK& w, int64_t g0, const QKActivations& act, __m512 acc[NG]) {
    const int64_t nb = w.blocks_per_row();
    for (int g = 0; g < NG; ++g) acc[g] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        QKBlock blk[NG];
        __m512 scaled[NG], mins[NG];
        for (int g = 0; g < NG; ++g) {
            blk[g] = w.block(g0 + g, b);
            scaled[g] = _mm512_setzero_ps();
            mins[g] = _mm512_setzero_ps();
        }
        for (int j = 0; j < kQKSubBlocks; ++j) {
            const int64_t s = b * kQKSubBlocks + j;
            const int8_t* a = act.q.data() + s * kQKSubBlock;
            __m512i aw[8];
            for (int m = 0; m < 8; ++m) aw[m] = broadcast_word(a + 4 * m);
            const __m512 xd = _mm512_set1_ps(act.d[s]), sum_d = _mm512_set1_ps(act.sum_d[s]);
            for (int g = 0; g < NG; ++g) {
                __m512i r[8];
                unpack_qk_sub_block<kFive>(blk[g].codes + 256 * j, kFive ? blk[g].high + 64 * j : nullptr, r);
                // The codes are unsigned already: vpdpbusd's unsigned operand, no bias to take off.
                // Two chains of four, so consecutive vpdpbusd do not wait on each other.
                __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
                for (int m = 0; m < 4; ++m) {
                    lo = _mm512_dpbusd_epi32(lo, r[m], aw[m]);
                    hi = _mm512_dpbusd_epi32(hi, r[m + 4], aw[m + 4]);
                }
                const __m512i sc = _mm512_cvtepu8_epi32(
                    _mm_load_si128(reinterpret_cast<const __m128i*>(blk[g].scales + j * kRowGroup)));
                const __m512i mn =
                    _mm512_cvtepu8_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(blk[g].mins + j * kRowGroup)));
                const __m512 scaled_dot = _mm512_cvtepi32_ps(_mm512_mullo_epi32(_mm512_add_epi32(lo, hi), sc));
                scaled[g] = _mm512_add_ps(scaled[g], _mm512_mul_ps(scaled_dot, xd));
                mins[g] = _mm512_add_ps(mins[g], _mm512_mul_ps(_mm512_cvtepi32_ps(mn), sum_d));
            }
        }
        for (int g = 0; g < NG; ++g) {
            const __m512 d = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(blk[g].d)));
            const __m512 dmin = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(blk[g].dmin)));
            acc[g] = _mm512_add_ps(acc[g], _mm512_sub_ps(_mm512_mul_ps(d, scaled[g]), _mm512_mul_ps(dmin, mins[g])));
        }
    }
}

template <bool kFive>
void packed_qk(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
               int out_stride) {
    const int64_t k = w.k;
    thread_local QKActivations act;
    const int64_t g_begin = r0 / kRowGroup, g_end = (r1 + kRowGroup - 1) / kRowGroup;
    for (int t = 0; t < n_tok; ++t) {
        act.quantize(x + t * k, k);
        float* o = out + static_cast<int64_t>(t) * out_stride;
        auto store = [&](int64_t g, __m512 acc) {
            const int lane_begin = static_cast<int>(std::max<int64_t>(r0 - g * kRowGroup, 0));
            const int lane_end = static_cast<int>(std::min<int64_t>(r1 - g * kRowGroup, kRowGroup));
            const __mmask16 lanes = static_cast<__mmask16>((1u << lane_end) - (1u << lane_begin));
            _mm512_mask_storeu_ps(o + g * kRowGroup, lanes, _mm512_mul_ps(acc, _mm512_set1_ps(extra)));
        };
        int64_t g = g_begin;
        for (; g + 2 <= g_end; g += 2) {
            __m512 acc[2];
            qk_groups<kFive, 2>(w, g, act, acc);
            store(g, acc[0]);
            store(g + 1, acc[1]);
        }
        for (; g < g_end; ++g) {
            __m512 acc[1];
            qk_groups<kFive, 1>(w, g, act, acc);
            store(g, acc[0]);
        }
    }
}

}  // namespace

// Per 32-weight sub-block and 16 rows: 8 vpdpbusd of the unpacked codes against broadcast
// activation words give each row's exact integer dot in its lane, a vpmulld by the rows' scales,
// then the reference's float steps; two groups go together (qk_groups).
void packed_qk_avx512(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride) {
    if (w.five_bits)
        packed_qk<true>(w, r0, r1, x, n_tok, extra, out, out_stride);
    else
        packed_qk<false>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
