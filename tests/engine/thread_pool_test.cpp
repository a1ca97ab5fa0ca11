// The thread pool every CPU kernel runs on: it covers the range exactly once and an exception in
// any chunk reaches the caller instead of terminating the process.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "util/thread_pool.h"

namespace tern {
namespace {

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
