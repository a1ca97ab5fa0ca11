// tern-kbench head [q4_k|q5_k] [k] [n] [min_seconds] [both|reference|simd]: one decoded token
// through a k-quant LM head as the CPU backend runs it (default a Llama-3-8B-shaped Q4_K head,
// 4096 x 128256, 296 MB, far beyond any cache): the scalar reference cpu_q4_k_rows / cpu_q5_k_rows
// and the best SIMD kernel over its repacked layout, with 1 and 2 threads (threads split whole
// 16-row groups, as the backend does), side by side in one run. GB/s counts the bytes each reads
// per call (the file's for the reference, the repacked ones for the kernel), against the machine's
// memory read bandwidth measured first with as many threads (only when both run; a single kernel
// is for timing the whole process against the other one).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_kernels.h"
#include "backend/cpu/simd/qk_repack.h"
#include "tern/profile.h"
#include "util/thread_pool.h"

namespace tern {

namespace {

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Wall and process CPU seconds per call, each the fastest of at least 3 calls made within
// min_seconds. On a shared machine the wall time includes the time other processes held the
// cores; the CPU time (all threads together) does not.
struct CallTime {
    double wall = 1e30, cpu = 1e30;
};

CallTime time_call(const std::function<void()>& fn, double min_seconds) {
    fn();  // warm caches and the thread pool
    CallTime best;
    double total = 0.0;
    for (int calls = 0; calls < 3 || total < min_seconds; ++calls) {
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = process_cpu_seconds();
        fn();
        const double cpu = process_cpu_seconds() - cpu_start;
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best.wall = std::min(best.wall, sec);
        best.cpu = std::min(best.cpu, cpu);
        total += sec;
    }
    return best;
}

}  // namespace

int bench_head(int argc, char** argv) {
    const std::string type_arg = argc > 2 ? argv[2] : "q4_k";
    const int k = argc > 3 ? std::atoi(argv[3]) : 4096, n = argc > 4 ? std::atoi(argv[4]) : 128256;
    const double min_seconds = argc > 5 ? std::atof(argv[5]) : 0.3;
    const std::string which = argc > 6 ? argv[6] : "both";
    if ((type_arg != "q4_k" && type_arg != "q5_k") || k <= 0 || k % kQKBlock != 0 || n <= 0 ||
        (which != "both" && which != "reference" && which != "simd")) {
        std::fprintf(stderr,
                     "usage: tern-kbench head [q4_k|q5_k] [k, a multiple of 256] [n] [min_seconds] "
                     "[both|reference|simd]\n");
        return 2;
    }
    const bool five = type_arg == "q5_k";
    const TypeId type = five ? TypeId::Q5_K : TypeId::Q4_K;
    const simd::DenseKernel* fast = simd::dense_kernel_for(simd::best_kernel().isa);
    if (which != "reference" && (fast == nullptr || fast->qk_packed == nullptr)) {
        std::fprintf(stderr, "no SIMD Q4_K / Q5_K kernel on this CPU\n");
        return 1;
    }

    // Random bytes are valid k-quant blocks once d and dmin are finite: every code, scale and min
    // pattern decodes. Small d, dmin (F16 1/64 .. 1/32) keep the sums in a head's range.
    const size_t block_bytes = five ? kQ5KBlockBytes : kQ4KBlockBytes;
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * (k / kQKBlock) * block_bytes);
    std::mt19937_64 rng(1);
    for (size_t i = 0; i + 8 <= bytes.size(); i += 8) {
        const uint64_t v = rng();
        std::memcpy(&bytes[i], &v, 8);
    }
    for (size_t b = 0; b < bytes.size(); b += block_bytes) {
        bytes[b + 1] = 0x24;  // d: exponent of 2^-6, random mantissa
        bytes[b + 3] = 0x24;  // dmin likewise
    }
    TensorView view;
    view.type = type;
    view.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(n), 1, 1};
    view.data = bytes.data();
    view.nbytes = bytes.size();
    std::vector<float> x(k), out(n);
    for (auto& v : x) v = std::normal_distribution<float>(0.0f, 1.0f)(rng);

    ThreadPool pool(2);
    const simd::RepackedQK packed = which == "reference" ? simd::RepackedQK{} : simd::repack_qk(view, &pool);
    std::printf("%s head %d x %d: %.1f MB in the file, %.1f MB repacked; SIMD kernel %s\n", type_arg.c_str(), n, k,
                static_cast<double>(bytes.size()) / 1e6, static_cast<double>(packed.bytes()) / 1e6,
                fast ? fast->name : "-");
    std::printf("%4s %9s %-9s %10s %8s %8s %8s %11s %11s\n", "thr", "read GB/s", "kernel", "ms/call", "GB/s", "% read",
                "speedup", "cpu ms/call", "cpu speedup");
    for (int threads : {1, 2}) {
        // Only when both run: a lone kernel is for timing the whole process against the other.
        const double bandwidth = which == "both" ? measure_read_bandwidth(threads) : 0.0;
        auto split = [&](const std::function<void(int64_t, int64_t)>& rows) {
            const int64_t groups = (n + simd::kRowGroup - 1) / simd::kRowGroup;
            pool.parallel_for(threads == 1 ? 1 : groups, 1, [&](int64_t g0, int64_t g1) {
                if (threads == 1) return rows(0, n);
                rows(g0 * simd::kRowGroup, std::min<int64_t>(g1 * simd::kRowGroup, n));
            });
        };
        CallTime ref;
        auto report = [&](const char* name, CallTime t, size_t read, bool is_ref) {
            const double gbs = static_cast<double>(read) / t.wall / 1e9;
            std::printf("%4d %9.1f %-9s %10.2f %8.2f %7.0f%% ", threads, bandwidth / 1e9, name, t.wall * 1e3, gbs,
                        bandwidth > 0 ? 100.0 * gbs * 1e9 / bandwidth : 0.0);
            if (!is_ref && ref.wall < 1e30)
                std::printf("%7.1fx %11.2f %10.1fx\n", ref.wall / t.wall, t.cpu * 1e3, ref.cpu / t.cpu);
            else
                std::printf("%8s %11.2f\n", "", t.cpu * 1e3);
            std::fflush(stdout);
        };
        if (which != "simd") {
            ref = time_call(
                [&] {
                    split([&](int64_t r0, int64_t r1) {
                        (five ? cpu_q5_k_rows : cpu_q4_k_rows)(view, r0, r1, x.data(), 1, 1.0f, out.data(), n);
                    });
                },
                min_seconds);
            report("reference", ref, bytes.size(), true);
        }
        if (which != "reference") {
            const CallTime t = time_call(
                [&] {
                    split([&](int64_t r0, int64_t r1) {
                        fast->qk_packed(packed, r0, r1, x.data(), 1, 1.0f, out.data(), n);
                    });
                },
                min_seconds);
            report(fast->name, t, packed.bytes(), false);
        }
    }
    return 0;
}

}  // namespace tern
