#pragma once
// The one message the error banner shows: what went wrong, in words, until dismissed. Every
// controller reports here, so the user sees a load, download or storage failure the same way.
#include <QObject>
#include <QString>

namespace tern::app {

class Alerts : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
public:
    using QObject::QObject;
    QString message() const { return message_; }
    void report(const QString& message);  // also logged
    Q_INVOKABLE void clear();

Q_SIGNALS:
    void messageChanged();

private:
    QString message_;
};

}  // namespace tern::app
