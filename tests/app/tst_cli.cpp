// The app's command line without a display (defect 9 of the renovation issue): `tern --help` and
// `tern --version` print and exit 0 where no window can open (a server, a CI job, a package check).
#include <QProcess>
#include <QtTest>

class TestCli : public QObject {
    Q_OBJECT
    // Runs the installed-to-be binary with no display of any kind.
    static QProcess* runHeadless(const QStringList& args) {
        auto* p = new QProcess;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_QUICK_BACKEND"}) env.remove(QString::fromLatin1(v));
        p->setProcessEnvironment(env);
        p->start(QStringLiteral(TERN_APP_BINARY), args);
        p->waitForFinished(30000);
        return p;
    }
private Q_SLOTS:
    void helpWorksWithoutADisplay() {
        std::unique_ptr<QProcess> p(runHeadless({QStringLiteral("--help")}));
        const QString out = QString::fromUtf8(p->readAllStandardOutput());
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QVERIFY2(p->exitCode() == 0, qPrintable(QString::fromUtf8(p->readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("Usage:")), qPrintable(out));
        for (const char* option : {"--screenshot", "--theme", "--page", "--version"})
            QVERIFY2(out.contains(QLatin1String(option)), option);
    }
    void versionWorksWithoutADisplay() {
        std::unique_ptr<QProcess> p(runHeadless({QStringLiteral("--version")}));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
        QCOMPARE(QString::fromUtf8(p->readAllStandardOutput()).trimmed(), QStringLiteral("Tern " TERN_VERSION));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
