#pragma once
// spdlog to a rotating file in the app's log folder (and stderr); Qt messages go there too.
#include <QString>

namespace tern::app {

void initLogging(const QString& logDir);

}  // namespace tern::app
