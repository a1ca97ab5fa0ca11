#include "WriteFile.h"

#include <QCoreApplication>
#include <QFile>

namespace tern::app {

QString writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!path.isEmpty() && f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size() &&
        f.flush())
        return {};
    return QCoreApplication::translate("WriteFile", "Could not write %1: %2").arg(path, f.errorString());
}

}  // namespace tern::app
