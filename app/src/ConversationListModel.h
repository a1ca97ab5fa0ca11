#pragma once
// The sidebar's conversation list (newest first, filtered by the search box), read from Database.
#include <QAbstractListModel>

#include "Database.h"

namespace tern::app {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY searchChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { IdRole = Qt::UserRole + 1, TitleRole, UpdatedAtRole, MessageCountRole, SectionRole };

    explicit ConversationListModel(Database* db, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString search() const { return search_; }
    void setSearch(const QString& s);
    Q_INVOKABLE void refresh();
    Q_INVOKABLE int rowOf(qint64 id) const;

Q_SIGNALS:
    void searchChanged();
    void countChanged();

private:
    Database* db_;
    QString search_;
    QVector<ConversationRow> rows_;
};

}  // namespace tern::app
