#include "Format.h"

namespace tern::app {

QString Format::bytes(double b) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < 4) { b /= 1024; ++u; }
    return QString::number(b, 'f', u == 0 ? 0 : (b < 10 ? 2 : 1)) + QLatin1Char(' ') + QLatin1String(units[u]);
}

}  // namespace tern::app
