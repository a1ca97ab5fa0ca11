#include "ContextWindow.h"

#include <algorithm>

namespace tern::app {

namespace ContextPolicy {

QString key(Policy policy) {
    switch (policy) {
    case TruncateMiddle: return QStringLiteral("truncate-middle");
    case Stop: return QStringLiteral("stop");
    case RollingWindow: break;
    }
    return QStringLiteral("rolling");
}

Policy fromKey(const QString& key) {
    if (key == QLatin1String("truncate-middle")) return TruncateMiddle;
    if (key == QLatin1String("stop")) return Stop;
    return RollingWindow;
}

}  // namespace ContextPolicy

namespace {

using Role = tern::ChatMessage::Role;

// chat[0, pinned) and chat[from, end): what is left after leaving out the messages between.
ContextFit keep(const std::vector<tern::ChatMessage>& chat, size_t pinned, size_t from, int nCtx, int room,
                const ChatEncoder& encode) {
    ContextFit f;
    f.messages.assign(chat.begin(), chat.begin() + std::ptrdiff_t(pinned));
    f.messages.insert(f.messages.end(), chat.begin() + std::ptrdiff_t(from), chat.end());
    f.tokens = encode(f.messages);
    f.dropped = int(from - pinned);
    f.fits = int(f.tokens.size()) + room <= nCtx;
    return f;
}

// Leaves out the fewest messages after the first `pinned` that make the prompt fit. The cut falls
// just before a user message (or the last message); fewer messages never take more tokens, so the
// smallest cut that fits is found by bisection.
ContextFit leaveOutAfter(const std::vector<tern::ChatMessage>& chat, size_t pinned, int nCtx, int room,
                         const ChatEncoder& encode) {
    const size_t last = chat.size() - 1;
    std::vector<size_t> cuts;
    for (size_t k = pinned + 1; k < last; ++k)
        if (chat[k].role == Role::User) cuts.push_back(k);
    cuts.push_back(last);
    size_t lo = 0, hi = cuts.size() - 1;
    ContextFit best = keep(chat, pinned, cuts[hi], nCtx, room, encode);  // the shortest choice
    if (!best.fits) return best;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        ContextFit f = keep(chat, pinned, cuts[mid], nCtx, room, encode);
        if (f.fits) {
            best = std::move(f);
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return best;
}

}  // namespace

ContextFit fitContext(const std::vector<tern::ChatMessage>& chat, ContextPolicy::Policy policy, int nCtx, int room,
                      int minRoom, const ChatEncoder& encode) {
    ContextFit all;
    all.messages = chat;
    all.tokens = encode(chat);
    all.fits = int(all.tokens.size()) + room <= nCtx;
    if (all.fits || policy == ContextPolicy::Stop || chat.empty()) return all;
    size_t system = 0;  // the system prompt the conversation starts with is never left out
    while (system < chat.size() && chat[system].role == Role::System) ++system;
    const size_t last = chat.size() - 1;
    // The full room where it can be had, else the least: a smaller room before leaving out more
    // than the policy says.
    const auto leaveOut = [&](size_t pinned) {
        ContextFit f = leaveOutAfter(chat, pinned, nCtx, room, encode);
        if (!f.fits && minRoom < room) f = leaveOutAfter(chat, pinned, nCtx, minRoom, encode);
        return f;
    };
    if (policy == ContextPolicy::TruncateMiddle && system + 1 < last && chat[system].role == Role::User) {
        ContextFit middle = leaveOut(system + 1);
        if (middle.fits) return middle;
        // The first question itself is in the way: leave it out too, as the rolling window does.
    }
    if (system >= last) {  // nothing but the system prompt and the question
        all.fits = int(all.tokens.size()) + minRoom <= nCtx;
        return all;
    }
    return leaveOut(system);
}

int answerReserve(int nCtx, int maxTokens) {
    const int quarter = std::max(1, nCtx / 4);
    return maxTokens > 0 ? std::min(maxTokens, quarter) : quarter;
}

}  // namespace tern::app
