// AVX-512 dense kernels (compiled with -mavx512f/bw/vl/vnni; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_tile.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace tern::simd::detail {

namespace {

struct Zmm {
    using reg = __m512;
    static constexpr int width = 16;
    static reg zero() { return _mm512_setzero_ps(); }
    static reg load(const float* p) { return _mm512_loadu_ps(p); }
    static reg load_f16(const uint16_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static reg fmadd(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
    static float reduce(reg a) { return _mm512_reduce_add_ps(a); }
};

// The four code registers R_0..R_3 of a Q6_K sub-block (q6k_repack.h), each byte back to its 6-bit
// code: the low nibble from N0 or N1, the top two bits shifted from H into bits 4-5.
inline void unpack_q6_sub_block(const uint8_t* sb, __m512i r[4]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    const __m512i n0 = _mm512_load_si512(sb), n1 = _mm512_load_si512(sb + 64), h = _mm512_load_si512(sb + 128);
    constexpr int kAOrBAndC = 0xF8;  // vpternlogd truth table of A | (B & C)
    r[0] = _mm512_ternarylogic_epi32(_mm512_and_si512(n0, m4), _mm512_slli_epi16(h, 4), m30, kAOrBAndC);
    r[1] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(n0, 4), m4), _mm512_slli_epi16(h, 2), m30,
                                     kAOrBAndC);
    r[2] = _mm512_ternarylogic_epi32(_mm512_and_si512(n1, m4), h, m30, kAOrBAndC);
    r[3] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(n1, 4), m4), _mm512_srli_epi16(h, 2), m30,
                                     kAOrBAndC);
}

inline __m512i broadcast_word(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

}  // namespace

// 4 rows x 4 tokens: 16 accumulators + 8 weight registers + 1 activation fit the 32 zmm.
void dense_f16_avx512(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride) {
    dense_f16_rows<Zmm, 4, 4>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

// 16 rows per pass: per 32-weight block, 8 vpdpbusd of the biased weights against broadcast
// activation words give each row's exact integer dot in its lane (minus 128 * the block's
// activation sum); one F16 conversion of the 16 scales and one FMA fold it into the float sums.
void packed_q8_0_avx512(const RepackedQ8& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                        int out_stride) {
    const int64_t k = w.k, nb = w.blocks_per_row();
    thread_local std::vector<int8_t> xq;
    thread_local std::vector<float> xd;
    thread_local std::vector<int32_t> bias;
    xq.resize(k);
    xd.resize(nb);
    bias.resize(nb);
    for (int t = 0; t < n_tok; ++t) {
        cpu_quantize_q8_0_activations(x + t * k, static_cast<int>(k), xq.data(), xd.data());
        for (int64_t b = 0; b < nb; ++b) {
            int32_t sum = 0;
            for (int i = 0; i < kQ8Block; ++i) sum += xq[b * kQ8Block + i];
            bias[b] = 128 * sum;
        }
        float* o = out + static_cast<int64_t>(t) * out_stride;
        for (int64_t g = r0 / kRowGroup; g * kRowGroup < r1; ++g) {
            const uint8_t* codes = w.group_codes(g);
            const uint8_t* scales = w.group_scales(g);
            __m512 acc = _mm512_setzero_ps();
            for (int64_t b = 0; b < nb; ++b, codes += kQ8CodeBytes, scales += kQ8ScaleBytes) {
                const int8_t* a = xq.data() + b * kQ8Block;
                // Two chains of four, so consecutive vpdpbusd do not wait on each other.
                __m512i even = _mm512_setzero_si512(), odd = _mm512_setzero_si512();
#pragma GCC unroll 4
                for (int j = 0; j < 8; j += 2) {
                    even = _mm512_dpbusd_epi32(even, _mm512_load_si512(codes + 64 * j), broadcast_word(a + 4 * j));
                    odd = _mm512_dpbusd_epi32(odd, _mm512_load_si512(codes + 64 * j + 64), broadcast_word(a + 4 * j + 4));
                }
                const __m512i dot = _mm512_sub_epi32(_mm512_add_epi32(even, odd), _mm512_set1_epi32(bias[b]));
                const __m512 dw = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(scales)));
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, _mm512_set1_ps(xd[b])), acc);
            }
            const int lane_begin = static_cast<int>(std::max<int64_t>(r0 - g * kRowGroup, 0));
            const int lane_end = static_cast<int>(std::min<int64_t>(r1 - g * kRowGroup, kRowGroup));
            const __mmask16 lanes = static_cast<__mmask16>((1u << lane_end) - (1u << lane_begin));
            _mm512_mask_storeu_ps(o + g * kRowGroup, lanes, _mm512_mul_ps(acc, _mm512_set1_ps(extra)));
        }
    }
}

namespace {

// The sums of NG consecutive 16-row groups g0.. for one token: the groups share each activation
// broadcast and bias, and give the core NG independent chains to overlap.
template <int NG>
void q6_k_groups(const RepackedQ6K& w, int64_t g0, const Q6Activations& act, __m512 acc[NG]) {
    const int64_t nb = w.blocks_per_row();
    for (int g = 0; g < NG; ++g) acc[g] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        __m512 dw[NG];
        for (int g = 0; g < NG; ++g)
            dw[g] = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(w.group_d(g0 + g) + b * kRowGroup)));
        for (int ab = 0; ab < kQ6SubBlocks / 2; ++ab) {
            __m512i isum[NG];
            for (int g = 0; g < NG; ++g) isum[g] = _mm512_setzero_si512();
            for (int64_t s = b * kQ6SubBlocks + 2 * ab; s < b * kQ6SubBlocks + 2 * ab + 2; ++s) {
                const int8_t* a = act.q.data() + s * kQ6SubBlock;
                const __m512i a0 = broadcast_word(a), a1 = broadcast_word(a + 4), a2 = broadcast_word(a + 8),
                              a3 = broadcast_word(a + 12);
                // The unsigned codes add 32 * (the activations' sum): one chain starts from minus that.
                const __m512i minus_bias = _mm512_set1_epi32(-act.bias[s]);
                for (int g = 0; g < NG; ++g) {
                    __m512i r[4];
                    unpack_q6_sub_block(w.group_codes(g0 + g) + s * kQ6SubBlockBytes, r);
                    // Two chains of two, so consecutive vpdpbusd do not wait on each other.
                    const __m512i lo = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(minus_bias, r[0], a0), r[1], a1);
                    const __m512i hi =
                        _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), r[2], a2), r[3], a3);
                    const __m512i sc = _mm512_cvtepi8_epi32(
                        _mm_load_si128(reinterpret_cast<const __m128i*>(w.group_scales(g0 + g) + s * kRowGroup)));
                    isum[g] = _mm512_add_epi32(isum[g], _mm512_mullo_epi32(_mm512_add_epi32(lo, hi), sc));
                }
            }
            const __m512 xd = _mm512_set1_ps(act.d[b * (kQ6SubBlocks / 2) + ab]);
            for (int g = 0; g < NG; ++g)
                acc[g] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[g]), _mm512_mul_ps(dw[g], xd), acc[g]);
        }
    }
}

}  // namespace

// 16 rows per group, as the Q8_0 kernel: per 16-weight sub-block, 4 vpdpbusd of the unpacked codes
// against broadcast activation words give each row's integer dot in its lane (minus 32 * the
// sub-block's activation sum); a vpmulld by the 16 rows' int8 scales, and per 32 activations one
// conversion and FMA with d_w * d_x. Two groups go together (q6_k_groups).
void packed_q6_k_avx512(const RepackedQ6K& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra,
                        float* out, int out_stride) {
    const int64_t k = w.k;
    thread_local Q6Activations act;
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
            q6_k_groups<2>(w, g, act, acc);
            store(g, acc[0]);
            store(g + 1, acc[1]);
        }
        for (; g < g_end; ++g) {
            __m512 acc[1];
            q6_k_groups<1>(w, g, act, acc);
            store(g, acc[0]);
        }
    }
}

}  // namespace tern::simd::detail
