#include "server/slot_pool.h"

#include <algorithm>
#include <chrono>

namespace tern::server {

SlotPool::SlotPool(int n_slots, int max_queued, SessionOptions options)
    : max_queued_(std::max(max_queued, 0)), options_(options), slots_(static_cast<size_t>(std::max(n_slots, 1))) {}

SlotPool::Lease::~Lease() {
    if (pool_) pool_->release(index_);
}

Session& SlotPool::Lease::session() const { return *pool_->slots_[static_cast<size_t>(index_)].session; }

void SlotPool::set_model(const std::shared_ptr<const Model>& model) {
    auto first = model ? std::make_unique<Session>(model, options_) : nullptr;  // throws for bad options
    std::lock_guard lock(mutex_);
    model_ = model.get();
    n_ctx_ = first ? first->n_ctx() : 0;
    for (auto& s : slots_)
        if (!s.busy) s.session.reset();
    for (auto& s : slots_)
        if (!s.busy && first) {
            s.session = std::move(first);
            break;
        }
}

int SlotPool::pick_free(std::span<const int32_t> prompt) const {
    // A session continues a conversation when the prompt repeats at least half of its cache (a new
    // turn repeats all of it); the longest such reuse wins. Otherwise the least recently used
    // session is taken, so that a prompt sharing only the chat format's first tokens does not
    // evict a conversation that may come back.
    int best = -1, lru = -1;
    size_t best_prefix = 0;
    for (int i = 0; i < size(); ++i) {
        const Slot& s = slots_[static_cast<size_t>(i)];
        if (s.busy) continue;
        if (lru < 0 || s.last_used < slots_[static_cast<size_t>(lru)].last_used) lru = i;
        if (!s.session) continue;
        const auto& cached = s.session->tokens();
        size_t prefix = 0;
        while (prefix < cached.size() && prefix < prompt.size() && cached[prefix] == prompt[prefix]) ++prefix;
        if (!cached.empty() && prefix * 2 >= cached.size() && prefix > best_prefix) {
            best = i;
            best_prefix = prefix;
        }
    }
    return best >= 0 ? best : lru;
}

std::variant<SlotPool::Lease, SlotPool::Refusal> SlotPool::acquire(const std::shared_ptr<const Model>& model,
                                                                   std::span<const int32_t> prompt,
                                                                   const std::atomic<bool>& cancel) {
    std::unique_lock lock(mutex_);
    if (closed_) return Refusal::Closed;
    int index = queue_.empty() ? pick_free(prompt) : -1;
    if (index < 0) {
        if (static_cast<int>(queue_.size()) >= max_queued_) return Refusal::QueueFull;
        const uint64_t ticket = next_ticket_++;
        queue_.push_back(ticket);
        // The flag is set by another thread without this mutex, so wake up now and then to look.
        while (!closed_ && !cancel.load() && (queue_.front() != ticket || (index = pick_free(prompt)) < 0))
            freed_.wait_for(lock, std::chrono::milliseconds(20));
        queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
        freed_.notify_all();  // the next in line may go now
        if (closed_) return Refusal::Closed;
        if (cancel.load()) return Refusal::Cancelled;
    }
    Slot& slot = slots_[static_cast<size_t>(index)];
    slot.busy = true;
    lock.unlock();

    Lease lease(this, index);
    // A session is made for the model of this request (after set_model, running requests finish
    // on the model they started with).
    if (!slot.session || &slot.session->model() != model.get()) {
        slot.session.reset();
        slot.session = std::make_unique<Session>(model, options_);  // throws: the lease gives the slot back
    }
    return lease;
}

void SlotPool::release(int index) {
    std::lock_guard lock(mutex_);
    Slot& slot = slots_[static_cast<size_t>(index)];
    slot.busy = false;
    slot.last_used = ++clock_;
    if (slot.session && &slot.session->model() != model_) slot.session.reset();  // an older model's
    freed_.notify_all();
}

void SlotPool::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    freed_.notify_all();
}

int SlotPool::busy() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.busy; }));
}

int SlotPool::queued() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(queue_.size());
}

int SlotPool::n_ctx() const {
    std::lock_guard lock(mutex_);
    return n_ctx_;
}

}  // namespace tern::server
