#include "util/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "tern/error.h"

namespace tern {

namespace {
int hardware_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }
}  // namespace

int max_pool_threads() { return 4 * hardware_threads(); }

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = hardware_threads();
    if (n_threads > max_pool_threads())
        throw Error(std::to_string(n_threads) + " threads is too many: at most " + std::to_string(max_pool_threads()) +
                    " (4 per hardware thread) on this machine");
    n_threads_ = n_threads;
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunk(int index) {
    if (index >= n_chunks_) return;
    const int64_t begin = n_ * index / n_chunks_;
    const int64_t end = n_ * (index + 1) / n_chunks_;
    if (begin >= end) return;
    try {
        (*fn_)(begin, end);
    } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
    }
}

namespace {

// Decoding one token runs ~150 loops a few microseconds apart; waking a sleeping thread costs
// tens of microseconds. So threads first spin this long for the next loop (or for the last chunk
// to finish), then sleep.
constexpr auto kSpin = std::chrono::microseconds(30);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Spins until done() or kSpin has passed; returns done().
template <class Done>
bool spin_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; ++i) {
        if (done()) return true;
        cpu_relax();
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return done();
    }
}

}  // namespace

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    for (;;) {
        auto ready = [&] { return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen; };
        if (!spin_until(ready)) {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, ready);
        }
        if (stop_.load(std::memory_order_acquire)) return;
        seen = generation_.load(std::memory_order_acquire);
        run_chunk(index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard lock(mutex_);  // pairs with the caller's predicate check under the lock
            done_.notify_one();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(grain, 1);
    const int chunks = static_cast<int>(std::min<int64_t>(n_threads_, (n + grain - 1) / grain));
    if (chunks <= 1) {
        fn(0, n);
        return;
    }
    std::lock_guard run(run_mutex_);
    {
        std::lock_guard lock(mutex_);
        fn_ = &fn;
        n_ = n;
        n_chunks_ = chunks;
        pending_.store(n_threads_ - 1, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);  // publishes the job to spinning workers
    }
    wake_.notify_all();
    run_chunk(0);
    auto done = [&] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!spin_until(done)) {
        std::unique_lock lock(mutex_);
        done_.wait(lock, done);
    }
    std::lock_guard lock(mutex_);
    fn_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace tern
