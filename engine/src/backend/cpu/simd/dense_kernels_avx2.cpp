// AVX2 + FMA + F16C dense kernels (compiled with those flags; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_tile.h"

namespace tern::simd::detail {

namespace {

struct Ymm {
    using reg = __m256;
    static constexpr int width = 8;
    static reg zero() { return _mm256_setzero_ps(); }
    static reg load(const float* p) { return _mm256_loadu_ps(p); }
    static reg load_f16(const uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
    static float reduce(reg a) { return hsum_ps(a); }
};

// |w| x sign(x, w) pairs in int16 (each at most 2 * 127 * 127, no saturation), then int32.
inline __m256i dot_q8(__m256i w, __m256i x) {
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

// Half of a Q6_K sub-block's code registers (q6k_repack.h: rows 0-7 or 8-15, 32 bytes of each
// 64), each byte back to its 6-bit code.
inline void unpack_q6_sub_block_half(const uint8_t* sb, __m256i r[4]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    const __m256i n0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(sb));
    const __m256i n1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(sb + 64));
    const __m256i h = _mm256_load_si256(reinterpret_cast<const __m256i*>(sb + 128));
    r[0] = _mm256_or_si256(_mm256_and_si256(n0, m4), _mm256_and_si256(_mm256_slli_epi16(h, 4), m30));
    r[1] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(n0, 4), m4), _mm256_and_si256(_mm256_slli_epi16(h, 2), m30));
    r[2] = _mm256_or_si256(_mm256_and_si256(n1, m4), _mm256_and_si256(h, m30));
    r[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(n1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(h, 2), m30));
}

inline __m256i broadcast_word(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

}  // namespace

// 2 rows x 3 tokens: 6 accumulators + 8 weight registers + 1 activation fit the 16 ymm.
void dense_f16_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    dense_f16_rows<Ymm, 2, 3>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

// Q8_0 as stored: activations quantized to Q8_0 blocks by the reference quantizer; each 32-block
// dot is exact in int32 (|w|, |q| <= 127, so the sign trick is safe), then scaled by d_w * d_x
// into 8 float lanes. Rows go 4 at a time to share the activation loads.
void dense_q8_0_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                     int out_stride) {
    constexpr int NR = 4;
    const int k = static_cast<int>(w.ne[0]), nb = k / 32;
    const auto* blocks = reinterpret_cast<const BlockQ8_0*>(w.data);
    thread_local std::vector<int8_t> xq;
    thread_local std::vector<float> xd;
    xq.resize(k);
    xd.resize(nb);
    for (int t = 0; t < n_tok; ++t) {
        cpu_quantize_q8_0_activations(x + static_cast<size_t>(t) * k, k, xq.data(), xd.data());
        float* o = out + static_cast<size_t>(t) * out_stride;
        auto rows = [&]<int R>(int64_t r) {
            __m256 acc[R];
            for (int i = 0; i < R; ++i) acc[i] = _mm256_setzero_ps();
            for (int b = 0; b < nb; ++b) {
                const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq.data() + b * 32));
#pragma GCC unroll 4
                for (int i = 0; i < R; ++i) {
                    const BlockQ8_0& blk = blocks[(r + i) * nb + b];
                    const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qs));
                    const __m256 scale = _mm256_set1_ps(_cvtsh_ss(blk.d) * xd[b]);
                    acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot_q8(wv, xv)), scale, acc[i]);
                }
            }
            for (int i = 0; i < R; ++i) o[r + i] = hsum_ps(acc[i]) * extra;
        };
        int64_t r = r0;
        for (; r + NR <= r1; r += NR) rows.template operator()<NR>(r);
        for (; r < r1; ++r) rows.template operator()<1>(r);
    }
}

// The repacked Q6_K layout of the AVX-512 kernel, 8 rows (half a register) at a time: vpmaddubsw of
// the unsigned codes (at most 63) and the activations cannot saturate (2 * 63 * 127 per pair, and
// two such pairs still fit int16), then vpmaddwd to int32 and the same epilogue.
void packed_q6_k_avx2(const RepackedQ6K& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride) {
    const int64_t k = w.k, nb = w.blocks_per_row();
    thread_local Q6Activations act;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int t = 0; t < n_tok; ++t) {
        act.quantize(x + t * k, k);
        float* o = out + static_cast<int64_t>(t) * out_stride;
        for (int64_t g = r0 / kRowGroup; g * kRowGroup < r1; ++g) {
            for (int half = 0; half < 2; ++half) {
                const int64_t row0 = g * kRowGroup + 8 * half;
                if (row0 + 8 <= r0 || row0 >= r1) continue;
                const uint8_t* codes = w.group_codes(g) + 32 * half;
                const int8_t* scales = w.group_scales(g) + 8 * half;
                const uint16_t* d = w.group_d(g) + 8 * half;
                __m256 acc = _mm256_setzero_ps();
                for (int64_t b = 0; b < nb; ++b) {
                    const __m256 dw =
                        _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(d + b * kRowGroup)));
                    for (int ab = 0; ab < kQ6SubBlocks / 2; ++ab) {
                        __m256i isum = _mm256_setzero_si256();
                        for (int64_t s = b * kQ6SubBlocks + 2 * ab; s < b * kQ6SubBlocks + 2 * ab + 2; ++s) {
                            __m256i r[4];
                            unpack_q6_sub_block_half(codes + s * kQ6SubBlockBytes, r);
                            const int8_t* a = act.q.data() + s * kQ6SubBlock;
                            const __m256i p01 = _mm256_add_epi16(_mm256_maddubs_epi16(r[0], broadcast_word(a)),
                                                                 _mm256_maddubs_epi16(r[1], broadcast_word(a + 4)));
                            const __m256i p23 = _mm256_add_epi16(_mm256_maddubs_epi16(r[2], broadcast_word(a + 8)),
                                                                 _mm256_maddubs_epi16(r[3], broadcast_word(a + 12)));
                            const __m256i dot = _mm256_sub_epi32(
                                _mm256_add_epi32(_mm256_madd_epi16(p01, ones), _mm256_madd_epi16(p23, ones)),
                                _mm256_set1_epi32(act.bias[s]));
                            const __m256i sc = _mm256_cvtepi8_epi32(
                                _mm_loadl_epi64(reinterpret_cast<const __m128i*>(scales + s * kRowGroup)));
                            isum = _mm256_add_epi32(isum, _mm256_mullo_epi32(dot, sc));
                        }
                        const __m256 dwx = _mm256_mul_ps(dw, _mm256_set1_ps(act.d[b * (kQ6SubBlocks / 2) + ab]));
                        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), dwx, acc);
                    }
                }
                alignas(32) float lanes[8];
                _mm256_store_ps(lanes, _mm256_mul_ps(acc, _mm256_set1_ps(extra)));
                for (int64_t r = std::max(row0, r0); r < std::min(row0 + 8, r1); ++r) o[r] = lanes[r - row0];
            }
        }
    }
}

}  // namespace tern::simd::detail
