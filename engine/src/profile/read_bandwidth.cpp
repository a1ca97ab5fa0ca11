#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "tern/profile.h"
#include "util/thread_pool.h"

namespace tern {

namespace {

// Sums [b, e) with eight independent chains so the loads, not the adds, set the pace. Cloned for
// wide vector units: a baseline SSE2 loop cannot keep enough loads in flight on one core.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
uint64_t sum_words(const uint64_t* p, int64_t n) {
    uint64_t s[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) s[j] += p[i + j];
    for (; i < n; ++i) s[0] += p[i];
    return s[0] ^ s[1] ^ s[2] ^ s[3] ^ s[4] ^ s[5] ^ s[6] ^ s[7];
}

}  // namespace

double measure_read_bandwidth(int n_threads) {
    constexpr size_t kBytes = size_t{512} << 20;  // far beyond any last-level cache
    constexpr size_t kWords = kBytes / sizeof(uint64_t);
    std::unique_ptr<uint64_t[]> buffer(new uint64_t[kWords]);
    ThreadPool pool(n_threads);
    // Written in parallel so the pages are resident (and on each thread's NUMA node).
    pool.parallel_for(static_cast<int64_t>(kWords), 4096, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) buffer[i] = static_cast<uint64_t>(i);
    });
    volatile uint64_t sink = 0;
    auto pass = [&] {
        pool.parallel_for(static_cast<int64_t>(kWords), 4096,
                          [&](int64_t b, int64_t e) { sink = sink + sum_words(buffer.get() + b, e - b); });
    };
    pass();  // warm-up: page tables and the threads
    constexpr double kMinSeconds = 2.0;
    const auto start = std::chrono::steady_clock::now();
    double sec = 0;
    int passes = 0;
    while (passes < 3 || sec < kMinSeconds) {
        pass();
        ++passes;
        sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return static_cast<double>(kBytes) * passes / sec;
}

}  // namespace tern
