// tern-kbench: times the scalar reference cpu_ternary_rows against each available fast kernel on
// the BitNet-2B-4T matrix shapes, with 1 and 2 threads, decode (1 token) and prefill (128 tokens).
// Usage: tern-kbench [min_seconds_per_case (default 0.3)] [max_tokens (default 128)]
//        tern-kbench dense [min_seconds_per_case]: the float-activation kernels (F16, Q8_0, Q6_K) on the
//        LM-head shape (2560 x 128256, streamed from DRAM) and a 2560 x 2560 prefill.
//        tern-kbench attention [min_seconds_per_case]: attention over an F16 and a Q8_0 KV cache
//        (attention.cpp).
//        tern-kbench head [q4_k|q5_k] [k] [n] [min_seconds] [both|reference|simd]: one token through a
//        k-quant LM head (default Llama-3-8B's, 4096 x 128256), reference and SIMD (head.cpp).
// GB/s counts the 2-bit weight bytes once per call; Gop/s counts 2 ops per weight per token.
// The matrices (1.6-4.4 MB) fit in a large L3, so decode numbers are cache, not DRAM, bandwidth.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_kernels.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "backend/cpu/simd/ternary_repack.h"
#include "tensor/quantize.h"
#include "util/thread_pool.h"

namespace tern {
int bench_attention(double min_seconds);  // attention.cpp
int bench_head(int argc, char** argv);     // head.cpp
}

namespace {

using Clock = std::chrono::steady_clock;

// Seconds per call: the fastest of at least 3 calls made within min_seconds. The minimum rather
// than the mean, because other work on the machine only ever adds time.
double time_it(const std::function<void()>& fn, double min_seconds) {
    fn();  // warm caches and the thread pool
    double best = 1e30, total = 0.0;
    for (int calls = 0; calls < 3 || total < min_seconds; ++calls) {
        const auto start = Clock::now();
        fn();
        const double sec = std::chrono::duration<double>(Clock::now() - start).count();
        best = std::min(best, sec);
        total += sec;
    }
    return best;
}

// The reference against the best dense kernel, F16, Q8_0 and Q6_K, 1 and 2 threads.
int bench_dense(double min_seconds) {
    using namespace tern;
    const simd::DenseKernel* fast = simd::dense_kernel_for(simd::best_kernel().isa);
    struct Case {
        int k, n, tokens;
    };
    const Case cases[] = {{2560, 128256, 1}, {512, 128256, 1}, {2560, 2560, 128}};
    ThreadPool pool2(2);
    std::printf("%-12s %-5s %5s %4s %-9s %10s %9s %9s\n", "shape kxn", "type", "tok", "thr", "kernel", "ms/call",
                "GB/s(w)", "GFLOP/s");
    std::mt19937 rng(1);
    for (const Case& c : cases) {
        std::vector<float> values(static_cast<size_t>(c.k) * c.n);
        for (auto& v : values) v = std::normal_distribution<float>(0.0f, 0.02f)(rng);
        std::vector<float> x(static_cast<size_t>(c.k) * c.tokens), out(static_cast<size_t>(c.n) * c.tokens);
        for (auto& v : x) v = std::normal_distribution<float>(0.0f, 1.0f)(rng);
        for (TypeId type : {TypeId::F16, TypeId::Q8_0, TypeId::Q6_K}) {
            const std::vector<uint8_t> bytes = type == TypeId::F16    ? encode_f16(values)
                                               : type == TypeId::Q8_0 ? encode_q8_0(values)
                                                                      : encode_q6_k(values);
            const simd::DenseRowsFn reference = type == TypeId::F16    ? cpu_dense_rows
                                                : type == TypeId::Q8_0 ? cpu_q8_0_rows
                                                                       : cpu_q6_k_rows;
            TensorView view;
            view.type = type;
            view.ne = {static_cast<uint64_t>(c.k), static_cast<uint64_t>(c.n), 1, 1};
            view.data = bytes.data();
            view.nbytes = bytes.size();
            for (int threads : {1, 2}) {
                // rows(r0, r1) computes those rows of every token into out.
                auto run = [&](const std::function<void(int64_t, int64_t)>& rows) {
                    return time_it(
                        [&] {
                            pool2.parallel_for(threads == 1 ? 1 : c.n, 16, [&](int64_t r0, int64_t r1) {
                                rows(r0, threads == 1 ? c.n : r1);
                            });
                        },
                        min_seconds);
                };
                auto with = [&](simd::DenseRowsFn fn) {
                    return [&, fn](int64_t r0, int64_t r1) { fn(view, r0, r1, x.data(), c.tokens, 1.0f, out.data(), c.n); };
                };
                auto report = [&](const char* name, double sec) {
                    std::printf("%5dx%-6d %-5s %5d %4d %-9s %10.3f %9.2f %9.1f\n", c.k, c.n,
                                type_name(static_cast<uint32_t>(type)).c_str(), c.tokens, threads, name, sec * 1e3,
                                static_cast<double>(bytes.size()) / sec / 1e9,
                                2.0 * c.k * c.n * c.tokens / sec / 1e9);
                    std::fflush(stdout);
                };
                if (c.tokens * static_cast<int64_t>(c.n) <= 1 << 20) report("reference", run(with(reference)));
                if (!fast) continue;
                if (type == TypeId::Q8_0 && fast->q8_0_packed) {  // as the CPU backend runs a Q8_0 head
                    const simd::RepackedQ8 packed = simd::repack_q8_0(view);
                    report(fast->name, run([&](int64_t r0, int64_t r1) {
                               fast->q8_0_packed(packed, r0, r1, x.data(), c.tokens, 1.0f, out.data(), c.n);
                           }));
                } else if (type == TypeId::Q6_K && fast->q6_k_packed) {
                    const simd::RepackedQ6K packed = simd::repack_q6_k(view);
                    report(fast->name, run([&](int64_t r0, int64_t r1) {
                               fast->q6_k_packed(packed, r0, r1, x.data(), c.tokens, 1.0f, out.data(), c.n);
                           }));
                } else if (simd::DenseRowsFn fn = simd::dense_rows_fn(*fast, type)) {
                    report(fast->name, run(with(fn)));
                }
            }
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tern;
    if (argc > 1 && std::string(argv[1]) == "dense") return bench_dense(argc > 2 ? std::atof(argv[2]) : 0.3);
    if (argc > 1 && std::string(argv[1]) == "head") return bench_head(argc, argv);
    if (argc > 1 && std::string(argv[1]) == "attention") return bench_attention(argc > 2 ? std::atof(argv[2]) : 0.3);
    const double min_seconds = argc > 1 ? std::atof(argv[1]) : 0.3;
    const int max_tokens = argc > 2 ? std::atoi(argv[2]) : 128;
    struct Shape {
        int k, n;
    };
    const Shape shapes[] = {{2560, 2560}, {2560, 6912}, {6912, 2560}};
    std::vector<const simd::TernaryKernel*> kernels;
    using simd::KernelIsa;
    for (auto isa : {KernelIsa::scalar, KernelIsa::avx2, KernelIsa::avxvnni, KernelIsa::avx512vnni, KernelIsa::neon})
        if (const auto* k = simd::find_kernel(isa)) kernels.push_back(k);

    ThreadPool pool2(2);
    std::printf("%-11s %5s %4s %-11s %4s %10s %9s %9s %8s\n", "shape kxn", "tok", "thr", "kernel", "", "ms/call",
                "GB/s(w)", "Gop/s", "speedup");
    std::mt19937 rng(1);
    for (const Shape& s : shapes) {
        std::vector<int8_t> values(static_cast<size_t>(s.k) * s.n);
        for (auto& v : values) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        const std::vector<uint8_t> bytes = encode_i2_s(values, 0.0625f);
        TensorView view;
        view.type = TypeId::I2_S;
        view.ne = {static_cast<uint64_t>(s.k), static_cast<uint64_t>(s.n), 1, 1};
        view.data = bytes.data();
        view.nbytes = bytes.size();
        const simd::RepackedTernary w = simd::repack_ternary(view);
        const double weight_bytes = static_cast<double>(s.k) * s.n / 4.0;

        for (int tokens : {1, 128}) {
            if (tokens > max_tokens) continue;
            std::vector<float> x(static_cast<size_t>(s.k) * tokens);
            for (auto& v : x) v = std::normal_distribution<float>(0.0f, 1.0f)(rng);
            std::vector<int8_t> q(x.size());
            std::vector<int32_t> qsum(tokens);
            std::vector<float> qscale(tokens), out(static_cast<size_t>(s.n) * tokens);
            for (int t = 0; t < tokens; ++t)
                qscale[t] = simd::find_kernel(simd::KernelIsa::scalar)
                                ->quantize_row(x.data() + static_cast<size_t>(t) * s.k, s.k,
                                               q.data() + static_cast<size_t>(t) * s.k, &qsum[t]);
            for (int threads : {1, 2}) {
                // Threads split rows in whole 16-row groups.
                auto split = [&](const std::function<void(int64_t, int64_t)>& rows_fn) {
                    if (threads == 1) return rows_fn(0, s.n);
                    const int64_t groups = (s.n + simd::kRowGroup - 1) / simd::kRowGroup;
                    pool2.parallel_for(groups, 1, [&](int64_t g0, int64_t g1) {
                        rows_fn(g0 * simd::kRowGroup, std::min<int64_t>(g1 * simd::kRowGroup, s.n));
                    });
                };
                const double ref = time_it(
                    [&] {
                        split([&](int64_t r0, int64_t r1) {
                            cpu_ternary_rows(view, r0, r1, q.data(), qscale.data(), tokens, 1.0f, out.data(), s.n);
                        });
                    },
                    min_seconds);
                auto report = [&](const char* name, double sec) {
                    std::printf("%5dx%-5d %5d %4d %-11s %4s %10.3f %9.2f %9.1f %7.2fx\n", s.k, s.n, tokens, threads,
                                name, "", sec * 1e3, weight_bytes / sec / 1e9,
                                2.0 * s.k * s.n * tokens / sec / 1e9, ref / sec);
                };
                report("reference", ref);
                for (const auto* kern : kernels) {
                    std::vector<int32_t> tiles(q.size() / 4);
                    simd::pack_tiles(*kern, q.data(), tokens, s.k, tiles.data());
                    const simd::QuantizedBatch batch{tokens, s.k, q.data(), qsum.data(), qscale.data(), tiles.data()};
                    const double sec = time_it(
                        [&] {
                            split([&](int64_t r0, int64_t r1) {
                                simd::ternary_gemm(*kern, w, r0, r1, batch, 1.0f, out.data(), s.n);
                            });
                        },
                        min_seconds);
                    report(kern->name, sec);
                }
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
