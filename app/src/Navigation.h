#pragma once
// Which page the window shows. A C++ object rather than a property of the window, so every view,
// the command line (--page) and the tests switch pages the same way.
#include <QObject>
#include <QString>

#include <optional>

namespace tern::app {

class Navigation : public QObject {
    Q_OBJECT
    Q_PROPERTY(Page page READ page WRITE setPage NOTIFY pageChanged)
    // Whether the live profile is shown beside the chat. The window closes it when it gets narrow
    // and opens it when it gets wide again; the chat's profile button toggles it at any width.
    Q_PROPERTY(bool profileOpen READ profileOpen WRITE setProfileOpen NOTIFY profileOpenChanged)
public:
    enum Page { Chat, Models, Benchmark, Settings };
    Q_ENUM(Page)

    using QObject::QObject;
    Page page() const { return page_; }
    void setPage(Page page) {
        if (page == page_) return;
        page_ = page;
        Q_EMIT pageChanged();
    }
    bool profileOpen() const { return profileOpen_; }
    void setProfileOpen(bool open) {
        if (open == profileOpen_) return;
        profileOpen_ = open;
        Q_EMIT profileOpenChanged();
    }
    // "chat", "models", "benchmark", "settings" (the --page spellings); nullopt for others.
    static std::optional<Page> pageFromName(const QString& name);

Q_SIGNALS:
    void pageChanged();
    void profileOpenChanged();

private:
    Page page_ = Chat;
    bool profileOpen_ = true;
};

}  // namespace tern::app
