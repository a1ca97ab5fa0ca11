#include "Alerts.h"

#include <spdlog/spdlog.h>

namespace tern::app {

void Alerts::report(const QString& message) {
    spdlog::warn("{}", message.toStdString());
    message_ = message;
    Q_EMIT messageChanged();
}

void Alerts::clear() {
    if (message_.isEmpty()) return;
    message_.clear();
    Q_EMIT messageChanged();
}

}  // namespace tern::app
