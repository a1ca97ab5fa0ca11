// Settings: defaults, persistence, the schema version, and the unsaved theme override.
#include <QStandardPaths>
#include <QtTest>

#include "Settings.h"

using namespace tern::app;

class TestSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TernTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QSettings().clear();
    }
    void defaultsAndPersistence() {
        {
            Settings s;
            QCOMPARE(s.theme(), QStringLiteral("system"));
            QCOMPARE(s.contextLength(), 2048);
            QVERIFY(s.modelsDir().endsWith(QStringLiteral("/Tern/models")));
            QCOMPARE(QSettings().value(QStringLiteral("schemaVersion")).toInt(), Settings::kSchemaVersion);
            QSignalSpy changed(&s, &Settings::changed);
            s.setTemperature(0.3);
            s.setMaxTokens(99);
            QCOMPARE(changed.count(), 2);
            s.setMaxTokens(99);  // no change, no signal
            QCOMPARE(changed.count(), 2);
        }
        Settings again;
        QCOMPARE(again.temperature(), 0.3);
        QCOMPARE(again.samplingParams().value(QStringLiteral("maxTokens")).toInt(), 99);
    }
    void themeOverrideIsNotSaved() {
        {
            Settings s;
            s.setTheme(QStringLiteral("light"));
            s.overrideTheme(QStringLiteral("dark"));
            QCOMPARE(s.theme(), QStringLiteral("dark"));
        }
        Settings again;
        QCOMPARE(again.theme(), QStringLiteral("light"));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
