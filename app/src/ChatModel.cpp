#include "ChatModel.h"

namespace tern::app {

ChatModel::ChatModel(QObject* parent) : QAbstractListModel(parent) {}

int ChatModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(messages_.size());
}

QVariant ChatModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= messages_.size()) return {};
    const ChatMessageItem& m = messages_[index.row()];
    switch (role) {
    case IdRole: return m.id;
    case RoleRole: return m.role;
    case Qt::DisplayRole:
    case ContentRole: return m.content;
    case StreamingRole: return m.streaming;
    case MetricsRole: return m.metrics;
    case CreatedAtRole: return m.createdAt;
    }
    return {};
}

QHash<int, QByteArray> ChatModel::roleNames() const {
    return {{IdRole, "messageId"}, {RoleRole, "role"}, {ContentRole, "content"},
            {StreamingRole, "streaming"}, {MetricsRole, "metrics"}, {CreatedAtRole, "createdAt"}};
}

void ChatModel::setMessages(QVector<ChatMessageItem> messages) {
    beginResetModel();
    messages_ = std::move(messages);
    endResetModel();
    Q_EMIT countChanged();
}

int ChatModel::append(const ChatMessageItem& m) {
    const int row = int(messages_.size());
    beginInsertRows({}, row, row);
    messages_.push_back(m);
    endInsertRows();
    Q_EMIT countChanged();
    return row;
}

void ChatModel::appendText(int row, const QString& delta) {
    if (row < 0 || row >= messages_.size() || delta.isEmpty()) return;
    messages_[row].content += delta;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {ContentRole});
}

void ChatModel::setContent(int row, const QString& text) {
    if (row < 0 || row >= messages_.size()) return;
    messages_[row].content = text;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {ContentRole});
}

void ChatModel::finish(int row, const QVariantMap& metrics) {
    if (row < 0 || row >= messages_.size()) return;
    messages_[row].streaming = false;
    messages_[row].metrics = metrics;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {StreamingRole, MetricsRole});
}

void ChatModel::setMetric(int row, const QString& key, const QVariant& value) {
    if (row < 0 || row >= messages_.size()) return;
    messages_[row].metrics.insert(key, value);
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {MetricsRole});
}

void ChatModel::setId(int row, qint64 id) {
    if (row < 0 || row >= messages_.size()) return;
    messages_[row].id = id;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {IdRole});
}

void ChatModel::truncate(int rows) {
    if (rows < 0 || rows >= messages_.size()) return;
    beginRemoveRows({}, rows, int(messages_.size()) - 1);
    messages_.resize(rows);
    endRemoveRows();
    Q_EMIT countChanged();
}

void ChatModel::clear() {
    setMessages({});
}

QVariantMap ChatModel::get(int row) const {
    QVariantMap m;
    if (row < 0 || row >= messages_.size()) return m;
    const auto& x = messages_[row];
    m[QStringLiteral("messageId")] = x.id;
    m[QStringLiteral("role")] = x.role;
    m[QStringLiteral("content")] = x.content;
    m[QStringLiteral("streaming")] = x.streaming;
    m[QStringLiteral("metrics")] = x.metrics;
    m[QStringLiteral("createdAt")] = x.createdAt;
    return m;
}

std::vector<tern::ChatMessage> ChatModel::history(int end) const {
    if (end < 0 || end > messages_.size()) end = int(messages_.size());
    std::vector<tern::ChatMessage> out;
    for (int i = 0; i < end; ++i) {
        const auto& x = messages_[i];
        if (x.streaming) continue;
        const auto role = x.role == QLatin1String("assistant") ? tern::ChatMessage::Role::Assistant
                        : x.role == QLatin1String("system")    ? tern::ChatMessage::Role::System
                                                               : tern::ChatMessage::Role::User;
        out.push_back({role, x.content.toStdString()});
    }
    return out;
}

}  // namespace tern::app
