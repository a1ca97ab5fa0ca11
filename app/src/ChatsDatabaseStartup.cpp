#include "ChatsDatabaseStartup.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include <spdlog/spdlog.h>

#include "Database.h"

namespace tern::app {

QString damagedDatabaseQuestion(const QString& path, const QString& error) {
    return QObject::tr("Your chats database cannot be used: %1.\n\n"
                       "Tern can set it aside (it is renamed to %2.damaged-<date and time>; nothing is deleted, "
                       "and it may still be recoverable with the sqlite3 tool) and start with a new, empty chats "
                       "database. Or quit now and leave the file as it is.")
        .arg(error, path);
}

ChatsDatabaseOpening openChatsDatabase(Database& db, const QString& path,
                                       const std::function<DamagedDatabaseChoice(const QString&)>& ask) {
    ChatsDatabaseOpening r;
    const QFileInfo file(path);
    QString error;
    if (file.exists() && !file.isFile()) {
        // A FIFO or device is never handed to SQLite (its first read of a FIFO would block for
        // ever); a directory cannot be a database either.
        error = QObject::tr("%1 is not a regular file").arg(path);
    } else if (db.open(path)) {
        r.open = true;
        return r;
    } else if (!file.exists()) {  // nothing of the user's to lose: say why chats cannot be saved
        r.notice = QObject::tr("Chats will not be saved: the database could not be opened (%1).").arg(db.error());
        return r;
    } else {
        error = db.error();
        db.close();  // the old file is renamed, not written
    }
    if (ask(damagedDatabaseQuestion(path, error)) == DamagedDatabaseChoice::Quit) {
        spdlog::warn("quitting at the user's choice: {}", error.toStdString());
        r.quit = true;
        return r;
    }
    const QString aside = Database::setAside(path);
    if (aside.isEmpty()) {
        r.notice = QObject::tr("Chats will not be saved: %1, and it could not be set aside.").arg(error);
        return r;
    }
    r.open = db.open(path);
    r.notice = r.open ? QObject::tr("The damaged chats database was set aside as %1; new chats go into a new one.").arg(aside)
                      : QObject::tr("The damaged chats database was set aside as %1, but a new one could not be made "
                                    "(%2): chats will not be saved.").arg(aside, db.error());
    return r;
}

DamagedDatabaseChoice askInDialog(const QString& question) {
    QMessageBox box(QMessageBox::Warning, QObject::tr("Tern: chats database damaged"), question);
    box.setObjectName(QStringLiteral("damagedDatabaseDialog"));
    QPushButton* setAside = box.addButton(QObject::tr("Set aside and start fresh"), QMessageBox::AcceptRole);
    setAside->setObjectName(QStringLiteral("setAsideButton"));
    box.addButton(QObject::tr("Quit"), QMessageBox::RejectRole)->setObjectName(QStringLiteral("quitButton"));
    box.setDefaultButton(setAside);
    box.exec();
    return box.clickedButton() == setAside ? DamagedDatabaseChoice::SetAside : DamagedDatabaseChoice::Quit;
}

}  // namespace tern::app
