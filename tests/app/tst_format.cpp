// How figures read (defect 7 of the renovation issue): one byte convention, so the official model
// file is "1.19 GB" on the download card and in the library alike; durations and stop reasons in
// words, not "decode 39777 ms" or "max_tokens"; "once", not "1 times".
#include <QtTest>

#include "Format.h"

using tern::app::Format;

class TestFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bytesAreDecimal() {
        QCOMPARE(Format::bytes(1187801280), QStringLiteral("1.19 GB"));  // bitnet-b1.58-2B-4T, as its site says
        QCOMPARE(Format::bytes(999), QStringLiteral("999 B"));
        QCOMPARE(Format::bytes(3448288), QStringLiteral("3.45 MB"));
        QCOMPARE(Format::bytes(12500), QStringLiteral("12.5 kB"));
    }
    void durationsInUnits() {
        QCOMPARE(Format::duration(850), QStringLiteral("850 ms"));
        QCOMPARE(Format::duration(39777), QStringLiteral("39.8 s"));
        QCOMPARE(Format::duration(1234), QStringLiteral("1.23 s"));
        QCOMPARE(Format::duration(125000), QStringLiteral("2 min 5 s"));
        QCOMPARE(Format::duration(qQNaN()), QStringLiteral("—"));
    }
    void stopReasonsInWords() {
        for (const char* key : {"eog", "max_tokens", "context_full", "stopped", "interrupted", "something_new"}) {
            const QString words = Format::stopReason(QLatin1String(key));
            QVERIFY2(!words.isEmpty() && !words.contains(QLatin1Char('_')), key);
        }
        QCOMPARE(Format::stopReason(QStringLiteral("max_tokens")), QStringLiteral("reached the answer length limit"));
        QCOMPARE(Format::stopReason(QString()), QString());
    }
    void repetitions() {
        QCOMPARE(Format::times(1), QStringLiteral("once"));
        QCOMPARE(Format::times(2), QStringLiteral("twice"));
        QCOMPARE(Format::times(5), QStringLiteral("5 times"));
    }
};

QTEST_GUILESS_MAIN(TestFormat)
#include "tst_format.moc"
