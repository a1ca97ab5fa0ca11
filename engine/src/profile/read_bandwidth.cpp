#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "tern/profile.h"
#include "util/thread_pool.h"

namespace tern {

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
    double best = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const auto start = std::chrono::steady_clock::now();
        pool.parallel_for(static_cast<int64_t>(kWords), 4096, [&](int64_t b, int64_t e) {
            // Eight independent sums: the loads, not the adds, set the pace.
            uint64_t s[8] = {};
            int64_t i = b;
            for (; i + 8 <= e; i += 8)
                for (int j = 0; j < 8; ++j) s[j] += buffer[i + j];
            for (; i < e; ++i) s[0] += buffer[i];
            sink = sink + (s[0] ^ s[1] ^ s[2] ^ s[3] ^ s[4] ^ s[5] ^ s[6] ^ s[7]);
        });
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, static_cast<double>(kBytes) / sec);
    }
    return best;
}

}  // namespace tern
