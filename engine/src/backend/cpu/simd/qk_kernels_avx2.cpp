// AVX2 kernel for the repacked Q4_K / Q5_K heads (compiled with -mavx2 -mfma -mf16c; called only
// when the CPU has them): the AVX-512 kernel's layout, 8 rows (half a 64-byte register) at a time,
// and per lane the float operations of cpu_q4_k_rows / cpu_q5_k_rows in their order (mul and add,
// never fused), so the result is the reference's bit for bit.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/simd/dense_kernels_impl.h"

namespace tern::simd::detail {

namespace {

inline __m256i broadcast_word(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

// Half (rows 0-7 or 8-15: 32 bytes of each 64) of a sub-block's code registers R_0..R_7
// (qk_repack.h), each byte back to its code; see the AVX-512 kernel for the high-bit shifts.
template <bool kFive>
inline void unpack_qk_sub_block_half(const uint8_t* codes, const uint8_t* high, __m256i r[8]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int p = 0; p < 4; ++p) {
        const __m256i n = _mm256_load_si256(reinterpret_cast<const __m256i*>(codes + 64 * p));
        r[2 * p] = _mm256_and_si256(n, m4);
        r[2 * p + 1] = _mm256_and_si256(_mm256_srli_epi16(n, 4), m4);
    }
    if constexpr (kFive) {
        const __m256i h = _mm256_load_si256(reinterpret_cast<const __m256i*>(high)), m10 = _mm256_set1_epi8(0x10);
        r[0] = _mm256_or_si256(r[0], _mm256_and_si256(_mm256_slli_epi16(h, 4), m10));
        r[1] = _mm256_or_si256(r[1], _mm256_and_si256(_mm256_slli_epi16(h, 3), m10));
        r[2] = _mm256_or_si256(r[2], _mm256_and_si256(_mm256_slli_epi16(h, 2), m10));
        r[3] = _mm256_or_si256(r[3], _mm256_and_si256(_mm256_slli_epi16(h, 1), m10));
        r[4] = _mm256_or_si256(r[4], _mm256_and_si256(h, m10));
        r[5] = _mm256_or_si256(r[5], _mm256_and_si256(_mm256_srli_epi16(h, 1), m10));
        r[6] = _mm256_or_si256(r[6], _mm256_and_si256(_mm256_srli_epi16(h, 2), m10));
        r[7] = _mm256_or_si256(r[7], _mm256_and_si256(_mm256_srli_epi16(h, 3), m10));
    }
}

template <bool kFive>
void packed_qk(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
               int out_stride) {
    const int64_t k = w.k, nb = w.blocks_per_row();
    thread_local QKActivations act;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int t = 0; t < n_tok; ++t) {
        act.quantize(x + t * k, k);
        float* o = out + static_cast<int64_t>(t) * out_stride;
        for (int64_t g = r0 / kRowGroup; g * kRowGroup < r1; ++g) {
            for (int half = 0; half < 2; ++half) {
                const int64_t row0 = g * kRowGroup + 8 * half;
                if (row0 + 8 <= r0 || row0 >= r1) continue;
                __m256 acc = _mm256_setzero_ps();
                for (int64_t b = 0; b < nb; ++b) {
                    const QKBlock blk = w.block(g, b);
                    __m256 scaled = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
                    for (int j = 0; j < kQKSubBlocks; ++j) {
                        const int64_t s = b * kQKSubBlocks + j;
                        const int8_t* a = act.q.data() + s * kQKSubBlock;
                        __m256i r[8];
                        unpack_qk_sub_block_half<kFive>(blk.codes + 256 * j + 32 * half,
                                                        kFive ? blk.high + 64 * j + 32 * half : nullptr, r);
                        // vpmaddubsw of unsigned codes (at most 31) and activations (at most 127 in
                        // size) gives pairs of at most 2 * 31 * 127; four such add up to 31496, still
                        // an int16, so each half of the sub-block sums in int16 before vpmaddwd.
                        __m256i p[2];
                        for (int q = 0; q < 2; ++q)
                            p[q] = _mm256_add_epi16(
                                _mm256_add_epi16(_mm256_maddubs_epi16(r[4 * q], broadcast_word(a + 16 * q)),
                                                 _mm256_maddubs_epi16(r[4 * q + 1], broadcast_word(a + 16 * q + 4))),
                                _mm256_add_epi16(_mm256_maddubs_epi16(r[4 * q + 2], broadcast_word(a + 16 * q + 8)),
                                                 _mm256_maddubs_epi16(r[4 * q + 3], broadcast_word(a + 16 * q + 12))));
                        const __m256i dot =
                            _mm256_add_epi32(_mm256_madd_epi16(p[0], ones), _mm256_madd_epi16(p[1], ones));
                        const __m256i sc = _mm256_cvtepu8_epi32(
                            _mm_loadl_epi64(reinterpret_cast<const __m128i*>(blk.scales + j * kRowGroup + 8 * half)));
                        const __m256i mn = _mm256_cvtepu8_epi32(
                            _mm_loadl_epi64(reinterpret_cast<const __m128i*>(blk.mins + j * kRowGroup + 8 * half)));
                        const __m256 scaled_dot = _mm256_cvtepi32_ps(_mm256_mullo_epi32(dot, sc));
                        scaled = _mm256_add_ps(scaled, _mm256_mul_ps(scaled_dot, _mm256_set1_ps(act.d[s])));
                        mins = _mm256_add_ps(mins, _mm256_mul_ps(_mm256_cvtepi32_ps(mn), _mm256_set1_ps(act.sum_d[s])));
                    }
                    const __m256 d =
                        _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(blk.d + 8 * half)));
                    const __m256 dmin =
                        _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(blk.dmin + 8 * half)));
                    acc = _mm256_add_ps(acc, _mm256_sub_ps(_mm256_mul_ps(d, scaled), _mm256_mul_ps(dmin, mins)));
                }
                alignas(32) float lanes[8];
                _mm256_store_ps(lanes, _mm256_mul_ps(acc, _mm256_set1_ps(extra)));
                for (int64_t r = std::max(row0, r0); r < std::min(row0 + 8, r1); ++r) o[r] = lanes[r - row0];
            }
        }
    }
}

}  // namespace

void packed_qk_avx2(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    if (w.five_bits)
        packed_qk<true>(w, r0, r1, x, n_tok, extra, out, out_stride);
    else
        packed_qk<false>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
