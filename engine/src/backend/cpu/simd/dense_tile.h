#pragma once
// The register-tiled F16 loop shared by the AVX2 and AVX-512 dense kernels, written once over a
// vector traits type V (included only by the ISA-specific files, which compile it with their flags).
//
// V provides reg, width, zero, load, load_f16, fmadd and reduce. A tile is NR
// weight rows x NT tokens, one accumulator register each. Weights are unpacked to float once per
// 32-element step and reused for every token of the tile; rows are the outer loop, so a row block
// stays in cache while all tokens pass over it (prefill), and for one token the loop streams rows
// at memory bandwidth (decode).
#include <algorithm>
#include <cstdint>

#include "backend/cpu/simd/dense_kernels_impl.h"
#include "tensor/fp16.h"
#include "tensor/type_traits.h"

namespace tern::simd::detail {

inline constexpr int kStep = 32;  // elements per inner step

// The F16 weight format: 32 weights of a row become kStep / V::width float registers.
template <class V>
struct F16Rows {
    const uint16_t* data;
    int64_t k;
    void load(int64_t row, int64_t step, typename V::reg* w) const {
        const uint16_t* p = data + row * k + step * kStep;
        for (int j = 0; j < kStep / V::width; ++j) w[j] = V::load_f16(p + j * V::width);
    }
    float tail(int64_t row, const float* x, int64_t begin) const {
        float sum = 0.0f;
        for (int64_t i = begin; i < k; ++i) sum += f16_to_f32(data[row * k + i]) * x[i];
        return sum;
    }
};

template <class V, class W, int NR, int NT>
void dense_tile(const W& w, int64_t row, const float* x, int64_t k, float extra, float* out, int out_stride) {
    constexpr int VPS = kStep / V::width;  // registers per step
    typename V::reg acc[NT][NR];
    for (int t = 0; t < NT; ++t)
        for (int r = 0; r < NR; ++r) acc[t][r] = V::zero();
    const int64_t steps = k / kStep;
    for (int64_t s = 0; s < steps; ++s) {
        typename V::reg wv[NR][VPS];
#pragma GCC unroll 8
        for (int r = 0; r < NR; ++r) w.load(row + r, s, wv[r]);
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
#pragma GCC unroll 8
            for (int j = 0; j < VPS; ++j) {
                const typename V::reg xv = V::load(x + t * k + s * kStep + j * V::width);
#pragma GCC unroll 8
                for (int r = 0; r < NR; ++r) acc[t][r] = V::fmadd(wv[r][j], xv, acc[t][r]);
            }
        }
    }
    for (int t = 0; t < NT; ++t)
        for (int r = 0; r < NR; ++r)
            out[static_cast<int64_t>(t) * out_stride + row + r] =
                (V::reduce(acc[t][r]) + w.tail(row + r, x + t * k, steps * kStep)) * extra;
}

// Every row in [r0, r1), every token, in tiles of up to NR rows x NT tokens.
template <class V, class W, int NR, int NT>
void dense_rows(const W& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                int out_stride) {
    static_assert(NT >= 1 && NT <= 4);
    const int64_t k = w.k;
    auto tokens = [&]<int R>(int64_t row) {
        for (int t0 = 0; t0 < n_tok; t0 += NT) {
            const float* xt = x + t0 * k;
            float* o = out + static_cast<int64_t>(t0) * out_stride;
            switch (std::min(NT, n_tok - t0)) {
                case 1:
                    dense_tile<V, W, R, 1>(w, row, xt, k, extra, o, out_stride);
                    break;
                case 2:
                    if constexpr (NT >= 2) dense_tile<V, W, R, 2>(w, row, xt, k, extra, o, out_stride);
                    break;
                case 3:
                    if constexpr (NT >= 3) dense_tile<V, W, R, 3>(w, row, xt, k, extra, o, out_stride);
                    break;
                default:
                    if constexpr (NT >= 4) dense_tile<V, W, R, NT>(w, row, xt, k, extra, o, out_stride);
                    break;
            }
        }
    };
    int64_t r = r0;
    if (n_tok == 1)  // decode: twice the rows in flight (the accumulators are free), more loads in flight
        for (; r + 2 * NR <= r1; r += 2 * NR) tokens.template operator()<2 * NR>(r);
    for (; r + NR <= r1; r += NR) tokens.template operator()<NR>(r);
    for (; r < r1; ++r) tokens.template operator()<1>(r);
}

template <class V, int NR, int NT>
void dense_f16_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    const F16Rows<V> rows{reinterpret_cast<const uint16_t*>(w.data), static_cast<int64_t>(w.ne[0])};
    dense_rows<V, F16Rows<V>, NR, NT>(rows, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
