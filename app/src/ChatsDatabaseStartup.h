#pragma once
// Opening the chats database when the app starts. A file that exists but cannot be used (damaged,
// not a database, unreadable, a FIFO or directory) is never used, emptied or overwritten, and the app never silently
// starts without the user's chats: the user is told what is wrong and chooses either to set the
// file aside (renamed with a timestamp, nothing deleted) and start with a new, empty database, or
// to quit and leave the file as it is.
#include <QString>

#include <functional>

namespace tern::app {

class Database;

enum class DamagedDatabaseChoice { SetAside, Quit };

struct ChatsDatabaseOpening {
    bool quit = false;  // the user chose to quit
    bool open = false;  // db is open (the old one, or a fresh one after setting the old aside)
    QString notice;     // for the app's banner: what happened, when there is something to say
};

// What the user is asked when the file at `path` cannot be used (`error`: Database::error()).
QString damagedDatabaseQuestion(const QString& path, const QString& error);

// Opens `path` into db; on a file that exists and cannot be used, asks (with
// damagedDatabaseQuestion) and does what the answer says.
ChatsDatabaseOpening openChatsDatabase(Database& db, const QString& path,
                                       const std::function<DamagedDatabaseChoice(const QString& question)>& ask);

// The real question: a modal message box with "Set aside and start fresh" and "Quit".
DamagedDatabaseChoice askInDialog(const QString& question);

}  // namespace tern::app
