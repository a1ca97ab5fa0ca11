#include "ConversationListModel.h"

#include <QDateTime>

namespace tern::app {

ConversationListModel::ConversationListModel(Database* db, QObject* parent) : QAbstractListModel(parent), db_(db) {
    refresh();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) return {};
    const ConversationRow& r = rows_[index.row()];
    switch (role) {
    case IdRole: return r.id;
    case Qt::DisplayRole:
    case TitleRole: return r.title;
    case UpdatedAtRole: return r.updatedAt;
    case MessageCountRole: return r.messageCount;
    case SectionRole: {
        // Date sections like other chat apps: Today, Yesterday, Earlier.
        const QDate d = QDateTime::fromString(r.updatedAt, Qt::ISODateWithMs).toLocalTime().date();
        const QDate today = QDate::currentDate();
        if (d == today) return tr("Today");
        if (d == today.addDays(-1)) return tr("Yesterday");
        if (d > today.addDays(-7)) return tr("This week");
        return tr("Earlier");
    }
    }
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"}, {UpdatedAtRole, "updatedAt"},
            {MessageCountRole, "messageCount"}, {SectionRole, "section"}};
}

void ConversationListModel::setSearch(const QString& s) {
    if (s == search_) return;
    search_ = s;
    Q_EMIT searchChanged();
    refresh();
}

void ConversationListModel::refresh() {
    beginResetModel();
    rows_ = db_ && db_->isOpen() ? db_->conversations(search_) : QVector<ConversationRow>{};
    endResetModel();
    Q_EMIT countChanged();
}

int ConversationListModel::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return i;
    return -1;
}

}  // namespace tern::app
