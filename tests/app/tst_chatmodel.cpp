// ChatModel: the list the chat view shows, checked with Qt's model tester.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "ChatModel.h"

using namespace tern::app;

class TestChatModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void appendAndStream() {
        ChatModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        ChatMessageItem u;
        u.role = QStringLiteral("user");
        u.content = QStringLiteral("hi");
        QCOMPARE(m.append(u), 0);
        ChatMessageItem a;
        a.role = QStringLiteral("assistant");
        a.streaming = true;
        const int row = m.append(a);
        QCOMPARE(row, 1);
        m.appendText(row, QStringLiteral("Hel"));
        m.appendText(row, QStringLiteral("lo"));
        QCOMPARE(changed.count(), 2);
        QCOMPARE(m.data(m.index(1), ChatModel::ContentRole).toString(), QStringLiteral("Hello"));
        QVERIFY(m.data(m.index(1), ChatModel::StreamingRole).toBool());
        // A streaming answer is not part of the history sent to the model.
        QCOMPARE(m.history().size(), size_t(1));
        m.finish(row, {{QStringLiteral("decodeTps"), 12.5}});
        QVERIFY(!m.data(m.index(1), ChatModel::StreamingRole).toBool());
        QCOMPARE(m.data(m.index(1), ChatModel::MetricsRole).toMap().value(QStringLiteral("decodeTps")).toDouble(), 12.5);
        const std::vector<tern::ChatMessage> h = m.history();
        QCOMPARE(h.size(), size_t(2));
        QCOMPARE(h[1].content, std::string("Hello"));
        QVERIFY(h[1].role == tern::ChatMessage::Role::Assistant);
    }

    void truncateAndClear() {
        ChatModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 4; ++i) {
            ChatMessageItem x;
            x.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
            x.content = QString::number(i);
            m.append(x);
        }
        m.truncate(2);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.get(1).value(QStringLiteral("content")).toString(), QStringLiteral("1"));
        m.truncate(5);  // out of range: nothing happens
        QCOMPARE(m.rowCount(), 2);
        m.clear();
        QCOMPARE(m.rowCount(), 0);
    }

    void rolesForQml() {
        ChatModel m;
        const auto names = m.roleNames();
        for (const char* r : {"role", "content", "streaming", "metrics", "messageId"})
            QVERIFY2(names.values().contains(QByteArray(r)), r);
    }
};

QTEST_GUILESS_MAIN(TestChatModel)
#include "tst_chatmodel.moc"
