// The thread pool every CPU kernel runs on: it covers the range exactly once and an exception in
// any chunk reaches the caller instead of terminating the process.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tern/error.h"
#include "util/thread_pool.h"

namespace tern {
namespace {

// A mistyped -t 100000 used to create threads until the system ran out of process ids.
TEST(ThreadPool, MoreThanFourPerHardwareThreadIsRefused) {
    const int cap = max_pool_threads();
    EXPECT_EQ(cap, 4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    try {
        ThreadPool pool(100000);
        ADD_FAILURE() << "100000 threads accepted";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "100000 threads is too many: at most " + std::to_string(cap) +
                                             " (4 per hardware thread) on this machine");
    }
    EXPECT_THROW(ThreadPool(cap + 1), Error);
    ThreadPool at_cap(cap);
    EXPECT_EQ(at_cap.size(), cap);
}

TEST(ThreadPool, CoversTheRangeExactlyOnce) {
    ThreadPool pool(3);
    for (int64_t n : {1, 2, 3, 7, 1000}) {
        std::vector<std::atomic<int>> hits(n);
        pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) ++hits[i];
        });
        for (int64_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
}

TEST(ThreadPool, ExceptionInAWorkerReachesTheCaller) {
    ThreadPool pool(2);
    // The second half runs on the worker thread.
    EXPECT_THROW(pool.parallel_for(100, 1,
                                   [](int64_t b, int64_t) {
                                       if (b > 0) throw std::runtime_error("bad weights");
                                   }),
                 std::runtime_error);
    // The pool still works afterwards.
    std::atomic<int64_t> sum = 0;
    pool.parallel_for(100, 1, [&](int64_t b, int64_t e) { sum += e - b; });
    EXPECT_EQ(sum.load(), 100);
}

}  // namespace
}  // namespace tern
