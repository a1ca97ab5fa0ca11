#pragma once
// A persistent pool of worker threads for data-parallel loops. The calling thread takes part in
// every loop, so a pool of N threads starts N-1 workers.
#include <atomic>
#include <condition_variable>
#include <exception>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

// The most threads a pool may have: 4 per hardware thread. More only slows the loops down, and a
// mistyped count (-t 100000) would create threads until the system runs out of process ids.
int max_pool_threads();

class ThreadPool {
public:
    // <= 0: one per hardware thread. Throws tern::Error above max_pool_threads().
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }

    // Runs fn(begin, end) over [0, n) split into contiguous chunks of at least `grain` items, one
    // chunk per thread. Returns when every chunk is done. Calls from several threads take turns;
    // a call from inside fn would deadlock. If fn throws, the first exception is rethrown here
    // once every chunk has finished.
    void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

private:
    void worker(int index);
    void run_chunk(int index);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex run_mutex_;  // one loop at a time (sessions on different threads share the pool)
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    // Atomic as well as guarded: workers and the caller spin on them before sleeping.
    std::atomic<uint64_t> generation_ = 0;
    std::atomic<int> pending_ = 0;
    std::atomic<bool> stop_ = false;
    // The current job.
    const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
    int64_t n_ = 0;
    int n_chunks_ = 0;
    std::exception_ptr error_;  // the first exception a chunk threw
};

}  // namespace tern
