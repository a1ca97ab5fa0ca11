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

// NG groups x NT tokens per pass, as in the 2-bit kernel; NACC accumulators per token with few tokens.
template <int NG, int NT, int NACC>
void fields_tile(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int32_t* sums) {
    const __m512i spread = load_table(kTables.spread), shifts = load_table(kTables.shifts);
    const __m512i digit[3] = {load_table(kTables.digit[0]), load_table(kTables.digit[1]),
                              load_table(kTables.digit[2])};
    __m512i acc[NG][NT][NACC];
    for (int g = 0; g < NG; ++g)
        for (int t = 0; t < NT; ++t)
            for (int j = 0; j < NACC; ++j) acc[g][t][j] = _mm512_setzero_si512();

    // The first NP planes of block fb (NP < 3 only in a row's last, partial block).
    auto block = [&]<int NP>(int64_t fb) {
        __m512i p[NG][NP];
        for (int g = 0; g < NG; ++g) {
            const __m512i x = _mm512_loadu_si512(codes + g * group_bytes + fb * kFieldBlockBytes);
            const __m512i fields = _mm512_multishift_epi64_epi8(shifts, _mm512_permutexvar_epi8(spread, x));
            for (int n = 0; n < NP; ++n) p[g][n] = _mm512_permutexvar_epi8(fields, digit[n]);
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

template <int NG>
void planes_groups(const uint8_t* planes, int64_t k, const int32_t* act, int n_tok, int32_t* sums) {
    switch (n_tok) {
        case 1: return planes_tile<NG, 1>(planes, k, act, sums);
        case 2: return planes_tile<NG, 2>(planes, k, act, sums);
        case 3: return planes_tile<NG, 3>(planes, k, act, sums);
        case 4: return planes_tile<NG, 4>(planes, k, act, sums);
        case 5: return planes_tile<NG, 5>(planes, k, act, sums);
        case 6: return planes_tile<NG, 6>(planes, k, act, sums);
        case 7: return planes_tile<NG, 7>(planes, k, act, sums);
        default: return planes_tile<NG, 8>(planes, k, act, sums);
    }
}

template <int NG>
void fields_groups(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int n_tok,
                   int32_t* sums) {
    switch (n_tok) {
        case 1: return fields_tile<NG, 1, 3>(codes, group_bytes, k, act, sums);
        case 2: return fields_tile<NG, 2, 1>(codes, group_bytes, k, act, sums);
        case 3: return fields_tile<NG, 3, 1>(codes, group_bytes, k, act, sums);
        case 4: return fields_tile<NG, 4, 1>(codes, group_bytes, k, act, sums);
        case 5: return fields_tile<NG, 5, 1>(codes, group_bytes, k, act, sums);
        case 6: return fields_tile<NG, 6, 1>(codes, group_bytes, k, act, sums);
        case 7: return fields_tile<NG, 7, 1>(codes, group_bytes, k, act, sums);
        default: return fields_tile<NG, 8, 1>(codes, group_bytes, k, act, sums);
    }
}

}  // namespace

void fields_unpack_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, int n_grp, uint8_t* planes) {
    const __m512i spread = load_table(kTables.spread), shifts = load_table(kTables.shifts);
    const __m512i digit[3] = {load_table(kTables.digit[0]), load_table(kTables.digit[1]),
                              load_table(kTables.digit[2])};
    const int64_t words = k / 4;
    for (int g = 0; g < n_grp; ++g) {
        uint8_t* out = planes + g * words * 64;
        for (int64_t fb = 0; fb * 3 < words; ++fb) {
            const __m512i x = _mm512_loadu_si512(codes + g * group_bytes + fb * kFieldBlockBytes);
            const __m512i fields = _mm512_multishift_epi64_epi8(shifts, _mm512_permutexvar_epi8(spread, x));
            for (int n = 0; n < 3 && fb * 3 + n < words; ++n)
                _mm512_store_si512(out + (fb * 3 + n) * 64, _mm512_permutexvar_epi8(fields, digit[n]));
        }
    }
}

void planes_dot_avx512(const uint8_t* planes, int64_t k, const int32_t* act, int n_tok, int n_grp, int32_t* sums) {
    if (n_grp == 2) return planes_groups<2>(planes, k, act, n_tok, sums);
    planes_groups<1>(planes, k, act, n_tok, sums);
}

void fields_dot_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int n_tok,
                           int n_grp, int32_t* sums) {
    static_assert(kAvx512Tile == 8 && kAvx512Groups == 2);
    if (n_grp == 2) return fields_groups<2>(codes, group_bytes, k, act, n_tok, sums);
    fields_groups<1>(codes, group_bytes, k, act, n_tok, sums);
}

}  // namespace tern::simd::detail
