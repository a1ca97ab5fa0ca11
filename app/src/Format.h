#pragma once
// How numbers read in the app: one byte-unit convention (decimal SI: 1 GB = 10^9 bytes, as
// download sites and file managers show sizes), durations and stop reasons in words. QML and C++
// format through these, so the same file never shows two sizes.
#include <QObject>
#include <QString>

namespace tern::app {

class Format : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // "512 B", "3.45 MB", "1.19 GB".
    Q_INVOKABLE static QString bytes(double bytes);
    // "850 ms", "39.8 s", "2 min 5 s".
    Q_INVOKABLE static QString duration(double ms);
    // Why an answer ended, for people: the stored keys ("eog", "max_tokens", "context_full",
    // "stopped", "interrupted") in words; "" for none.
    Q_INVOKABLE static QString stopReason(const QString& key);
    // The chat's notice for an answer whose conversation did not fit the context: "2 earlier
    // messages no longer fit and were left out of the model's context"; "" for none.
    Q_INVOKABLE static QString leftOut(int messages);
    // What to do after an answer ended with "the context is full", under the chat's policy
    // (ContextPolicy::key) and a context of contextTokens.
    Q_INVOKABLE static QString contextFullAdvice(const QString& policyKey, int contextTokens);
    // "once", "twice", "3 times".
    Q_INVOKABLE static QString times(int n);
};

}  // namespace tern::app
