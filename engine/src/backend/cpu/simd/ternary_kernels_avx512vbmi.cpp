// The AVX-512 VNNI kernel over the 5-bit field layout (compiled with -mavx512vbmi as well; called
// only when the CPU has VBMI). See ternary_repack.h for the layout.
//
// Per 40-byte block of a 16-row group: vpermb spreads the 40 bytes so that each qword holds 5 of
// them (8 fields), vpmultishiftqb moves field m of each qword to byte m, and three vpermb with
// 64-entry tables (32 entries repeated, so bits 5-7 of a field's byte do not matter) give the
// three 2-bit-layout planes of codes. vpdpbusd then works as in the 2-bit kernel: 5 unpacking
// instructions per 12 weights instead of 7 per 16.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <array>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

namespace {

struct FieldTables {
    alignas(64) std::array<uint8_t, 64> spread{}, shifts{}, digit[3]{};
};

constexpr FieldTables make_tables() {
    FieldTables t;
    for (int q = 0; q < 8; ++q)
        for (int m = 0; m < 8; ++m) {
            t.spread[8 * q + m] = static_cast<uint8_t>(5 * q + (m < 5 ? m : 4));  // bytes 5..7 unused
            t.shifts[8 * q + m] = static_cast<uint8_t>(5 * m);
        }
    for (int i = 0; i < 64; ++i) {
        const int field = i & 31;
        t.digit[0][i] = static_cast<uint8_t>(field % 3);
        t.digit[1][i] = static_cast<uint8_t>(field / 3 % 3);
        t.digit[2][i] = static_cast<uint8_t>(field / 9 % 3);
    }
    return t;
}

constexpr FieldTables kTables = make_tables();

inline __m512i load_table(const std::array<uint8_t, 64>& t) { return _mm512_load_si512(t.data()); }

// The tables in registers, and a 40-byte block of fields turned back into 2-bit-layout planes.
struct FieldDecoder {
    const __m512i spread = load_table(kTables.spread), shifts = load_table(kTables.shifts);
    const __m512i digit[3] = {load_table(kTables.digit[0]), load_table(kTables.digit[1]),
                              load_table(kTables.digit[2])};

    // Field j of the block in byte j (bits 5-7 left over, ignored by plane()).
    __m512i fields(const uint8_t* block) const {
        return _mm512_multishift_epi64_epi8(shifts, _mm512_permutexvar_epi8(spread, _mm512_loadu_si512(block)));
    }
    // Plane n: the codes of weights 4n..4n+3 of the block, one byte each, in each row's 32-bit lane.
    __m512i plane(__m512i fields, int n) const { return _mm512_permutexvar_epi8(fields, digit[n]); }
};

// NG groups x NT tokens per pass, as in the 2-bit kernel; NACC accumulators per token with few tokens.
template <int NG, int NT, int NACC>
void fields_tile(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int32_t* sums) {
    const FieldDecoder decoder;
    __m512i acc[NG][NT][NACC];
    for (int g = 0; g < NG; ++g)
        for (int t = 0; t < NT; ++t)
            for (int j = 0; j < NACC; ++j) acc[g][t][j] = _mm512_setzero_si512();

    // The first NP planes of block fb (NP < 3 only in a row's last, partial block).
    auto block = [&]<int NP>(int64_t fb) {
        __m512i p[NG][NP];
        for (int g = 0; g < NG; ++g) {
            const __m512i fields = decoder.fields(codes + g * group_bytes + fb * kFieldBlockBytes);
            for (int n = 0; n < NP; ++n) p[g][n] = decoder.plane(fields, n);
        }
        const int32_t* a = act + fb * 3 * NT;
        // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 3
        for (int n = 0; n < NP; ++n)
#pragma GCC unroll 8
            for (int t = 0; t < NT; ++t) {
                const __m512i v = _mm512_set1_epi32(a[n * NT + t]);
#pragma GCC unroll 2
                for (int g = 0; g < NG; ++g)
                    acc[g][t][n % NACC] = _mm512_dpbusd_epi32(acc[g][t][n % NACC], p[g][n], v);
            }
    };
    const int64_t words = k / 4, full = words / 3;
    for (int64_t fb = 0; fb < full; ++fb) block.template operator()<3>(fb);
    if (words % 3 == 1) block.template operator()<1>(full);
    if (words % 3 == 2) block.template operator()<2>(full);

    for (int g = 0; g < NG; ++g)
        for (int t = 0; t < NT; ++t) {
            __m512i total = acc[g][t][0];
            for (int j = 1; j < NACC; ++j) total = _mm512_add_epi32(total, acc[g][t][j]);
            _mm512_storeu_si512(sums + (g * NT + t) * kRowGroup, total);
        }
}

// Prefill: the byte planes of n_grp groups, unpacked once (k bytes per row) for all token tiles.
// planes[(g * k / 4 + j) * 64 + 4 * lane + b] is the code of weight 4j + b of row `lane` of group g.
template <int NG, int NT>
void planes_tile(const uint8_t* planes, int64_t k, const int32_t* act, int32_t* sums) {
    const int64_t words = k / 4;
    __m512i acc[NG][NT];
    for (int g = 0; g < NG; ++g)
        for (int t = 0; t < NT; ++t) acc[g][t] = _mm512_setzero_si512();
    for (int64_t j = 0; j < words; ++j) {
        __m512i codes[NG];
        for (int g = 0; g < NG; ++g) codes[g] = _mm512_load_si512(planes + (g * words + j) * 64);
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
            const __m512i v = _mm512_set1_epi32(act[j * NT + t]);
#pragma GCC unroll 2
            for (int g = 0; g < NG; ++g) acc[g][t] = _mm512_dpbusd_epi32(acc[g][t], codes[g], v);
        }
    }
    for (int g = 0; g < NG; ++g)
        for (int t = 0; t < NT; ++t) _mm512_storeu_si512(sums + (g * NT + t) * kRowGroup, acc[g][t]);
}

}  // namespace

void fields_unpack_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, int n_grp, uint8_t* planes) {
    const FieldDecoder decoder;
    const int64_t words = k / 4;
    for (int g = 0; g < n_grp; ++g) {
        uint8_t* out = planes + g * words * 64;
        for (int64_t fb = 0; fb * 3 < words; ++fb) {
            const __m512i fields = decoder.fields(codes + g * group_bytes + fb * kFieldBlockBytes);
            for (int n = 0; n < 3 && fb * 3 + n < words; ++n)
                _mm512_store_si512(out + (fb * 3 + n) * 64, decoder.plane(fields, n));
        }
    }
}

void planes_dot_avx512(const uint8_t* planes, int64_t k, const int32_t* act, int n_tok, int n_grp, int32_t* sums) {
    with_tile_tokens<kAvx512Tile>(n_tok, [&]<int NT>() {
        if (n_grp == 2) return planes_tile<2, NT>(planes, k, act, sums);
        planes_tile<1, NT>(planes, k, act, sums);
    });
}

void fields_dot_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int n_tok,
                           int n_grp, int32_t* sums) {
    static_assert(kAvx512Groups == 2);
    // With one token the 3 planes go to 3 accumulators.
    with_tile_tokens<kAvx512Tile>(n_tok, [&]<int NT>() {
        if (n_grp == 2) return fields_tile<2, NT, NT == 1 ? 3 : 1>(codes, group_bytes, k, act, sums);
        fields_tile<1, NT, NT == 1 ? 3 : 1>(codes, group_bytes, k, act, sums);
    });
}

}  // namespace tern::simd::detail
