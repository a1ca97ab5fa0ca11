#pragma once
// Writes a whole file the user chose (an export), or says why it could not.
#include <QByteArray>
#include <QString>

namespace tern::app {

// Writes `bytes` to `path`, replacing what was there. Returns "" when every byte reached the file,
// else the message to show ("Could not write PATH: REASON").
QString writeFile(const QString& path, const QByteArray& bytes);

}  // namespace tern::app
