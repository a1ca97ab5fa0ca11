#include "Navigation.h"

#include <QMetaEnum>

namespace tern::app {

std::optional<Navigation::Page> Navigation::pageFromName(const QString& name) {
    const QMetaEnum e = QMetaEnum::fromType<Page>();
    for (int i = 0; i < e.keyCount(); ++i)
        if (name.compare(QLatin1String(e.key(i)), Qt::CaseInsensitive) == 0) return Page(e.value(i));
    return std::nullopt;
}

}  // namespace tern::app
