// tern-kbench attention: the SIMD attention kernels over an F16 and a Q8_0 KV cache as one decoded
// 2B4T token runs them (30 layers x 5 KV heads, 4 query heads each, head_dim 128), 1 and 2 threads:
// from memory (every head's rows distinct, 2459 positions: 190 MB of F16 cache, far beyond L3) and
// from cache (the same 4 heads over and over: 5 MB of F16). GB/s counts the cache bytes per token.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <tuple>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/attention_kernels.h"
#include "tensor/fp16.h"
#include "util/thread_pool.h"

namespace tern {

int bench_attention(double min_seconds) {
    const simd::AttentionF16Fn f16 = simd::attention_f16_for(simd::best_kernel().isa);
    const simd::AttentionQ8Fn q8 = simd::attention_q8_for(simd::best_kernel().isa);
    if (!f16 || !q8) {
        std::printf("no SIMD attention kernels on this CPU\n");
        return 0;
    }
    constexpr int kHeads = 150, kGroup = 4, kHeadDim = 128, kPos = 2459;
    const int nb = kv_q8_blocks(kHeadDim);
    const size_t rows = static_cast<size_t>(kHeads) * kPos, values = rows * kHeadDim;
    std::vector<uint16_t> kh(values), vh(values);
    std::vector<int8_t> kc(values), vc(values);
    std::vector<float> ks(rows * nb), vs(rows * nb), row(kHeadDim);
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (size_t r = 0; r < rows; ++r)
        for (auto [h, c, s] :
             {std::tuple{kh.data(), kc.data(), ks.data()}, std::tuple{vh.data(), vc.data(), vs.data()}}) {
            for (float& x : row) x = dist(rng);
            for (int i = 0; i < kHeadDim; ++i) h[r * kHeadDim + i] = f32_to_f16(row[i]);
            cpu_quantize_q8_0_activations(row.data(), kHeadDim, c + r * kHeadDim, s + r * nb);
        }
    std::vector<float> q(static_cast<size_t>(kGroup) * kHeadDim);
    for (float& x : q) x = dist(rng);

    ThreadPool pool(2);
    std::printf("%-12s %4s %-5s %10s %9s\n", "cache", "thr", "type", "ms/token", "GB/s");
    for (const bool resident : {false, true})
        for (const int threads : {1, 2})
            for (const bool int8 : {false, true}) {
                // One token: every (layer, KV head) once; "resident" cycles over 4 heads' rows.
                auto run = [&] {
                    pool.parallel_for(threads == 1 ? 1 : kHeads, 1, [&](int64_t b, int64_t e) {
                        std::vector<float> scores(static_cast<size_t>(kGroup) * kPos), out(q.size());
                        for (int64_t j = b; j < (threads == 1 ? kHeads : e); ++j) {
                            const size_t r0 = static_cast<size_t>(resident ? j % 4 : j) * kPos;
                            if (int8)
                                q8(q.data(), kGroup, {kc.data() + r0 * kHeadDim, ks.data() + r0 * nb},
                                   {vc.data() + r0 * kHeadDim, vs.data() + r0 * nb}, kHeadDim, kPos, scores.data(),
                                   out.data());
                            else
                                f16(q.data(), kGroup, kh.data() + r0 * kHeadDim, vh.data() + r0 * kHeadDim, kHeadDim,
                                    0, kHeadDim, kPos, scores.data(), out.data());
                        }
                    });
                };
                run();
                double best = 1e30, total = 0;
                for (int calls = 0; calls < 3 || total < min_seconds; ++calls) {
                    const auto start = std::chrono::steady_clock::now();
                    run();
                    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                    best = std::min(best, sec);
                    total += sec;
                }
                const double row_bytes = int8 ? kHeadDim + 4.0 * nb : 2.0 * kHeadDim;  // K or V, codes + scales
                const double bytes = 2.0 * kHeads * kPos * row_bytes;
                std::printf("%-12s %4d %-5s %10.2f %9.1f\n", resident ? "in cache" : "from memory", threads,
                            int8 ? "Q8_0" : "F16", best * 1e3, bytes / best / 1e9);
                std::fflush(stdout);
            }
    return 0;
}

}  // namespace tern
