#pragma once
// A conversation's state on a model: the KV cache, the tokens in it, and counters.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tern/model.h"

namespace tern {

struct SessionOptions {
    int n_ctx = 0;    // 0: the model's training context, at most 4096
    int n_batch = 128;  // tokens evaluated per forward pass during prefill
};

// The check every front end runs on session options a user gave: "" when usable, else a message
// (context >= 0, batch >= 1). Session's constructor throws tern::Error with it; a context longer
// than the model's training context is refused there, where the model is known.
std::string validate(const SessionOptions& options);

// Counters for the last request and the session's totals.
struct SessionStats {
    int64_t n_eval_tokens = 0;       // tokens run through the model, all time
    double eval_ms = 0;              // time spent in the forward pass, all time
    uint64_t weight_bytes = 0;
    uint64_t kv_bytes = 0;           // allocated KV cache
    uint64_t kv_used_bytes = 0;      // the part that holds tokens
};

class Session {
public:
    Session(std::shared_ptr<const Model> model, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Runs `tokens` at positions n_past().. and returns the last token's logits (n_vocab floats,
    // valid until the next call). With all_logits, every token's logits are appended to it.
    // `cancel` is checked between batches (throws tern::Cancelled, the cache keeps what was done).
    // Throws tern::Error when the context would overflow or an id is out of range.
    std::span<const float> eval(std::span<const int32_t> tokens, std::vector<float>* all_logits = nullptr,
                                const std::atomic<bool>* cancel = nullptr);

    int n_past() const;
    int n_ctx() const;
    const std::vector<int32_t>& tokens() const;  // the tokens in the cache, in order
    void trim(int n);   // forget positions >= n
    void reset();       // trim(0)

    const Model& model() const;
    SessionStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern
