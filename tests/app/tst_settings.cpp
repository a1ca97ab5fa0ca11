// Settings: defaults, persistence, the schema version, the unsaved theme override, and the sampling
// parameters from QSettings through to the engine's options.
#include <QStandardPaths>
#include <QtTest>

#include "Sampling.h"
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
    void samplingDefaultsRoundTrip() {
        {
            Settings s;
            QCOMPARE(s.minP(), 0.05);
            QCOMPARE(s.repeatPenalty(), 1.1);
            QCOMPARE(s.repeatLastN(), 64);
            s.setMinP(0.12);
            s.setRepeatPenalty(1.3);
            s.setRepeatLastN(256);
            s.setTopK(20);
        }
        Settings again;  // read back from the file
        QCOMPARE(again.minP(), 0.12);
        QCOMPARE(again.repeatPenalty(), 1.3);
        QCOMPARE(again.repeatLastN(), 256);
        const QVariantMap p = again.samplingParams();
        QCOMPARE(p.value(QStringLiteral("minP")).toDouble(), 0.12);
        QCOMPARE(p.value(QStringLiteral("repeatPenalty")).toDouble(), 1.3);
        QCOMPARE(p.value(QStringLiteral("repeatLastN")).toInt(), 256);
        for (const QString& k : sampling::keys()) QVERIFY2(p.contains(k), qPrintable(k));

        // What the worker hands the engine.
        const tern::GenerateOptions g = sampling::toGenerateOptions(sampling::fromMap(p));
        QCOMPARE(g.sampling.min_p, 0.12f);
        QCOMPARE(g.sampling.repeat_penalty, 1.3f);
        QCOMPARE(g.sampling.repeat_last_n, 256);
        QCOMPARE(g.sampling.top_k, 20);
        QCOMPARE(g.max_tokens, again.maxTokens());

        QSignalSpy changed(&again, &Settings::changed);
        again.resetSampling();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(again.minP(), 0.05);
        QCOMPARE(again.repeatLastN(), 64);
        QCOMPARE(again.topK(), 40);
    }

    void samplingMapsAreSanitized() {
        // JSON brings numbers back as doubles and may carry anything: keep known keys, typed.
        const QVariantMap s = sampling::sanitize({{QStringLiteral("topK"), 12.0}, {QStringLiteral("minP"), QStringLiteral("0.2")},
                                                  {QStringLiteral("bogus"), 1}, {QStringLiteral("repeatLastN"), QStringLiteral("x")}});
        QCOMPARE(s.size(), 2);
        QCOMPARE(s.value(QStringLiteral("topK")).typeId(), QMetaType::Int);
        QCOMPARE(s.value(QStringLiteral("minP")).toDouble(), 0.2);
        const QVariantMap m = sampling::merged({{QStringLiteral("topK"), 40}, {QStringLiteral("minP"), 0.05}},
                                               {{QStringLiteral("minP"), 0.3}, {QStringLiteral("nope"), 1}});
        QCOMPARE(m, (QVariantMap{{QStringLiteral("topK"), 40}, {QStringLiteral("minP"), 0.3}}));
        // Missing keys keep the engine's defaults; -1 (the whole history) passes through.
        const tern::GenerateOptions g = sampling::toGenerateOptions(sampling::fromMap({{QStringLiteral("repeatLastN"), -1}}));
        QCOMPARE(g.sampling.repeat_last_n, -1);
        QCOMPARE(g.sampling.min_p, tern::SamplerParams{}.min_p);
        QCOMPARE(g.max_tokens, 512);
    }

    // The LM head and KV cache choices: the head as stored ("f16", tern-cli's spelling) and an F16 cache by default, saved, and nothing
    // but the known values accepted.
    void headAndKvCacheRoundTrip() {
        {
            Settings s;
            QCOMPARE(s.lmHead(), QStringLiteral("f16"));
            QCOMPARE(s.kvCache(), QStringLiteral("f16"));
            QSignalSpy changed(&s, &Settings::changed);
            s.setLmHead(QStringLiteral("q8"));
            s.setKvCache(QStringLiteral("f32"));
            QCOMPARE(changed.count(), 2);
            s.setLmHead(QStringLiteral("int4"));  // not a choice: ignored
            s.setKvCache(QString());
            s.setKvCache(QStringLiteral("q4"));
            QCOMPARE(changed.count(), 2);
            s.setKvCache(QStringLiteral("q8"));  // the int8 cache
            QCOMPARE(s.kvCache(), QStringLiteral("q8"));
            s.setKvCache(QStringLiteral("f32"));
            QCOMPARE(changed.count(), 4);
        }
        {
            Settings again;  // read back from the file
            QCOMPARE(again.lmHead(), QStringLiteral("q8"));
            QCOMPARE(again.kvCache(), QStringLiteral("f32"));
            QCOMPARE(again.property("lmHead").toString(), QStringLiteral("q8"));  // what QML sees
            QVERIFY(again.setProperty("kvCache", QStringLiteral("f16")));
            again.setLmHead(QStringLiteral("q6"));
        }
        QCOMPARE(Settings().lmHead(), QStringLiteral("q6"));
        QCOMPARE(QSettings().value(QStringLiteral("engine/kvCache")).toString(), QStringLiteral("f16"));
        QSettings().setValue(QStringLiteral("engine/lmHead"), QStringLiteral("garbage"));  // a hand-edited file
        QCOMPARE(Settings().lmHead(), QStringLiteral("f16"));
    }

    // A settings file from before the one spelling: its LM head choice survives the upgrade.
    void oldHeadSpellingIsMigrated() {
        const std::pair<const char*, const char*> cases[] = {{"exact", "f16"}, {"q8_0", "q8"}, {"q6_k", "q6"}};
        for (const auto& [old, now] : cases) {
            QSettings().setValue(QStringLiteral("schemaVersion"), 1);
            QSettings().setValue(QStringLiteral("engine/lmHead"), QLatin1String(old));
            QCOMPARE(Settings().lmHead(), QLatin1String(now));
            QCOMPARE(QSettings().value(QStringLiteral("schemaVersion")).toInt(), Settings::kSchemaVersion);
        }
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
