#pragma once
// The messages of the open conversation, for the chat view. Lives on the GUI thread only; the
// worker's token deltas reach it through the controller's queued slots.
#include <QAbstractListModel>
#include <QVariantMap>
#include <QVector>

#include <vector>

#include "tern/chat.h"

namespace tern::app {

struct ChatMessageItem {
    qint64 id = 0;             // database id (0: not stored yet)
    QString role;              // "user", "assistant", "system"
    QString content;
    bool streaming = false;
    QVariantMap metrics;       // per-message figures, set when the answer is finished
    QString createdAt;         // ISO 8601
};

class ChatModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { IdRole = Qt::UserRole + 1, RoleRole, ContentRole, StreamingRole, MetricsRole, CreatedAtRole };
    Q_ENUM(Roles)

    explicit ChatModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMessages(QVector<ChatMessageItem> messages);
    const QVector<ChatMessageItem>& messages() const { return messages_; }
    int append(const ChatMessageItem& m);          // returns the new row
    void appendText(int row, const QString& delta);
    void setContent(int row, const QString& text);
    void finish(int row, const QVariantMap& metrics);
    void setMetric(int row, const QString& key, const QVariant& value);  // one figure, while it streams
    void setId(int row, qint64 id);
    void truncate(int rows);                       // keep the first `rows` messages
    Q_INVOKABLE void clear();
    Q_INVOKABLE QVariantMap get(int row) const;
    // The finished messages up to (excluding) row `end`, as the engine's chat format takes them.
    std::vector<tern::ChatMessage> history(int end = -1) const;

Q_SIGNALS:
    void countChanged();

private:
    QVector<ChatMessageItem> messages_;
};

}  // namespace tern::app
