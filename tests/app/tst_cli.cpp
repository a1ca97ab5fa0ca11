// The app's command line without a display (defect 9 of the renovation issue): `tern --help` and
// `tern --version` print and exit 0 where no window can open (a server, a CI job, a package check).
// And quitting by SIGTERM (issue 17 item 7): `tern FIFO` says why it cannot load the FIFO and
// ends promptly on SIGTERM, as does `tern MODEL` while it loads.
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

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
    // Runs the app offscreen with its settings, chats and logs in `home`.
    static std::unique_ptr<QProcess> runOffscreen(const QString& home, const QStringList& args) {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        for (const char* v : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"}) env.remove(QLatin1String(v));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(QStringLiteral(TERN_APP_BINARY), args);
        return p;
    }
    // SIGTERM, then how long the app took to end (-1: not within 10 s).
    static qint64 terminate(QProcess& p) {
        QElapsedTimer t;
        t.start();
        p.terminate();  // SIGTERM
        return p.waitForFinished(10000) ? t.elapsed() : -1;
    }

private Q_SLOTS:
    void fifoModelIsRefusedAndSigtermEndsTheApp() {
        QTemporaryDir home;
        const QString fifo = home.path() + QStringLiteral("/model.gguf");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const auto p = runOffscreen(home.path(), {fifo});
        QVERIFY(p->waitForStarted(10000));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p->readAll()).contains("not a regular file"), 60000);
        QVERIFY2(out.contains("is a FIFO (named pipe)"), out.constData());
        QCOMPARE(p->state(), QProcess::Running);  // refused, not stuck and not crashed
        const qint64 ms = terminate(*p);
        QVERIFY2(ms >= 0 && ms < 5000, qPrintable(QString::number(ms) + QLatin1Char(' ') + QString::fromUtf8(out + p->readAll())));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
    }

    void sigtermWhileAModelLoadsEndsTheApp() {
        QTemporaryDir home;
        const auto p = runOffscreen(home.path(), {QStringLiteral(TERN_SOURCE_MODELS_DIR "/demo-ternary.gguf")});
        QVERIFY(p->waitForStarted(10000));
        QTest::qWait(1500);  // the window is up and the load has started (or finished)
        QCOMPARE(p->state(), QProcess::Running);
        const qint64 ms = terminate(*p);
        QVERIFY2(ms >= 0 && ms < 5000, qPrintable(QString::number(ms) + QLatin1Char(' ') + QString::fromUtf8(p->readAll())));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
    }

    // The chart screenshots' options: a view that does not exist, or a file that cannot be
    // imported, ends the app at once with a message and exit code 2 (scripts/screenshots.sh stops).
    void badBenchViewOrImportIsRefused() {
        QTemporaryDir home;
        auto p = runOffscreen(home.path(), {QStringLiteral("--bench-view"), QStringLiteral("charts")});
        QVERIFY(p->waitForFinished(30000));
        QByteArray out = p->readAll();
        QCOMPARE(p->exitCode(), 2);
        QVERIFY2(out.contains("--bench-view must be run, compare or sweep, not 'charts'"), out.constData());

        const QString bad = home.path() + QStringLiteral("/bench.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[{\"test\": \"tg32\"}]");  // no machine, no figures
        f.close();
        p = runOffscreen(home.path(), {QStringLiteral("--import"), bad, QStringLiteral("--bench-view"), QStringLiteral("compare")});
        QVERIFY(p->waitForFinished(30000));
        out = p->readAll();
        QCOMPARE(p->exitCode(), 2);
        QVERIFY2(out.contains("could not import") && out.contains("bench.json"), out.constData());
    }

    void helpWorksWithoutADisplay() {
        std::unique_ptr<QProcess> p(runHeadless({QStringLiteral("--help")}));
        const QString out = QString::fromUtf8(p->readAllStandardOutput());
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QVERIFY2(p->exitCode() == 0, qPrintable(QString::fromUtf8(p->readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("Usage:")), qPrintable(out));
        for (const char* option : {"--screenshot", "--theme", "--page", "--version", "--import", "--bench-view"})
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
