#include "tern/perplexity.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tern/error.h"

namespace tern {

double PerplexityResult::ppl() const { return n_scored > 0 ? std::exp(nll / n_scored) : 0.0; }

PerplexityResult perplexity(Session& session, std::span<const int32_t> tokens, int n_ctx,
                            const std::function<void(int, double)>& on_chunk, const std::atomic<bool>* cancel) {
    if (n_ctx < 2 || n_ctx > session.n_ctx())
        throw Error("perplexity: context " + std::to_string(n_ctx) + " must be between 2 and the session's " +
                    std::to_string(session.n_ctx()));
    const int n_chunks = static_cast<int>(tokens.size() / n_ctx);
    if (n_chunks == 0)
        throw Error("perplexity: the text has " + std::to_string(tokens.size()) +
                    " tokens, fewer than one chunk of " + std::to_string(n_ctx));
    const int bos = session.model().tokenizer().bos();
    const int n_vocab = session.model().info().n_vocab;
    const int first = n_ctx / 2;  // score the second half: every scored token has context behind it

    PerplexityResult r;
    std::vector<int32_t> chunk(n_ctx);
    std::vector<float> logits;
    for (int c = 0; c < n_chunks; ++c) {
        std::copy_n(tokens.begin() + static_cast<size_t>(c) * n_ctx, n_ctx, chunk.begin());
        if (bos >= 0) chunk[0] = bos;
        session.reset();
        logits.clear();
        session.eval(chunk, &logits, cancel);
        for (int i = first; i < n_ctx - 1; ++i) {
            const float* row = logits.data() + static_cast<size_t>(i) * n_vocab;
            const float max = *std::max_element(row, row + n_vocab);
            double sum = 0;
            for (int j = 0; j < n_vocab; ++j) sum += std::exp(static_cast<double>(row[j]) - max);
            const int32_t next = tokens[static_cast<size_t>(c) * n_ctx + i + 1];
            r.nll += std::log(sum) + max - row[next];
            ++r.n_scored;
        }
        r.n_chunks = c + 1;
        if (on_chunk) on_chunk(c, r.ppl());
    }
    return r;
}

}  // namespace tern
