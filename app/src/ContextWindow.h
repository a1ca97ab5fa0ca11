#pragma once
// What a chat does when the conversation outgrows the model's context (LM Studio's three
// choices, picked per chat), and the choice of the messages the model still sees.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "tern/chat.h"

namespace tern::app {

namespace ContextPolicy {
Q_NAMESPACE
QML_ELEMENT
enum Policy {
    RollingWindow,   // leave out the oldest messages (never the system prompt); the default
    TruncateMiddle,  // keep the first question and the latest messages, leave out those between
    Stop,            // stop with "the context is full"
};
Q_ENUM_NS(Policy)

// The stored spelling: "rolling", "truncate-middle", "stop"; anything else reads as RollingWindow.
QString key(Policy policy);
Policy fromKey(const QString& key);
}  // namespace ContextPolicy

// A conversation's prompt tokens: formatted with the assistant's opening and tokenized.
using ChatEncoder = std::function<std::vector<int32_t>(const std::vector<tern::ChatMessage>&)>;

struct ContextFit {
    std::vector<tern::ChatMessage> messages;  // what the model sees, in order
    std::vector<int32_t> tokens;               // their prompt
    int dropped = 0;                           // messages left out
    bool fits = false;                         // tokens + room <= the context
};

// The messages of `chat` whose prompt leaves `room` tokens free in a context of nCtx, or at least
// `minRoom` where `room` cannot be had: all of them when they fit; else, under RollingWindow, the
// system prompt and the newest messages (cut at a user message, so the model never sees an answer
// without its question); under TruncateMiddle the system prompt, the first user message and the
// newest (as rolling when even that is too long); under Stop all of them (fits = false). The last
// message is always kept. When nothing fits, fits is false and messages holds the shortest choice.
ContextFit fitContext(const std::vector<tern::ChatMessage>& chat, ContextPolicy::Policy policy, int nCtx, int room,
                      int minRoom, const ChatEncoder& encode);

// The room kept free for the answer when older messages must go: the answer's token limit, at
// most a quarter of the context (so a long limit does not leave out most of the conversation).
int answerReserve(int nCtx, int maxTokens);

}  // namespace tern::app
