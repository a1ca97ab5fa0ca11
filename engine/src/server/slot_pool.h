#pragma once
// The sessions a server generates with, and the first-come-first-served queue in front of them.
// Every session shares the one model (a Model is immutable); each has its own KV cache and keeps
// it between requests, so a request that extends an earlier prompt evaluates only the new tokens.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "tern/session.h"

namespace tern::server {

class SlotPool {
public:
    SlotPool(int n_slots, int max_queued, SessionOptions options);

    // One session reserved for one request, given back to the pool when destroyed.
    class Lease {
    public:
        Lease(Lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), index_(other.index_) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Session& session() const;
        int slot() const { return index_; }

    private:
        friend class SlotPool;
        Lease(SlotPool* pool, int index) : pool_(pool), index_(index) {}
        SlotPool* pool_;
        int index_;
    };
    enum class Refusal { QueueFull, Cancelled, Closed };

    // The model new sessions are made for. Creates the first session at once, so options that do
    // not fit the model throw tern::Error here; idle sessions of an earlier model are freed, busy
    // ones when their request ends.
    void set_model(const std::shared_ptr<const Model>& model);

    // Waits in arrival order for a free session for `model`, then takes the one whose cache the
    // prompt continues (repeating at least half of it, the longest such), else the one used least
    // recently, creating or replacing its session when it has none for this model. Refused at once when max_queued requests
    // already wait, or while waiting when `cancel` becomes true or close() is called.
    std::variant<Lease, Refusal> acquire(const std::shared_ptr<const Model>& model, std::span<const int32_t> prompt,
                                         const std::atomic<bool>& cancel);

    void close();  // refuses every waiting and later acquire (Closed)

    int size() const { return static_cast<int>(slots_.size()); }
    int busy() const;
    int queued() const;
    int n_ctx() const;  // the context of the current model's sessions (0 before set_model)

private:
    struct Slot {
        std::unique_ptr<Session> session;
        bool busy = false;
        uint64_t last_used = 0;
    };
    void release(int index);
    int pick_free(std::span<const int32_t> prompt) const;  // -1 when none is free

    const int max_queued_;
    const SessionOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<Slot> slots_;
    std::deque<uint64_t> queue_;  // tickets of waiting requests, oldest first
    uint64_t next_ticket_ = 0, clock_ = 0;
    const Model* model_ = nullptr;  // the current model, for freeing sessions of older ones
    int n_ctx_ = 0;
    bool closed_ = false;
};

}  // namespace tern::server
