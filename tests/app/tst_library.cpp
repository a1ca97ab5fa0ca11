// ModelLibrary: scanning the models folder, import validation, removal.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "ModelLibrary.h"
#include "Settings.h"
#include "test_models.h"

using namespace tern::app;

class TestLibrary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TernTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_library"));
        QSettings().clear();
    }

    void scanImportRemove() {
        QTemporaryDir models;
        Settings settings;
        settings.setModelsDir(models.path());
        ModelLibrary lib(&settings);
        QCOMPARE(lib.rowCount(), 0);

        // A model in the folder is found and described.
        QVERIFY(QFile::copy(tern::app::test::tinyModel(), models.path() + QStringLiteral("/a.gguf")));
        lib.refresh();
        QCOMPARE(lib.rowCount(), 1);
        const QModelIndex i = lib.index(0);
        QVERIFY(lib.data(i, ModelLibrary::OkRole).toBool());
        QCOMPARE(lib.data(i, ModelLibrary::ArchRole).toString(), QStringLiteral("bitnet-b1.58"));
        QCOMPARE(lib.data(i, ModelLibrary::TernaryTypeRole).toString(), QStringLiteral("I2_S"));
        QVERIFY(lib.data(i, ModelLibrary::RamBytesRole).toDouble() > lib.data(i, ModelLibrary::FileBytesRole).toDouble());
        QVERIFY(lib.totalBytes() > 0);
        // Random weights are badged from the file's tern.synthetic key, not from its name (defect
        // 14): a.gguf is tern-cli synth's output; the same file with the key set to false, under the
        // app's benchmark-model name, is not.
        QVERIFY(lib.data(i, ModelLibrary::BenchmarkRole).toBool());
        // The Benchmark page's FP16 memory hint comes from the file (defect 8): the tiny model's
        // weights are mostly its F16 embedding, so FP16 costs far less than the projections' 8x.
        const double ratio = lib.fp16Ratio(lib.data(i, ModelLibrary::PathRole).toString());
        QVERIFY2(ratio > 1.0 && ratio < 4.0, qPrintable(QString::number(ratio)));
        QCOMPARE(lib.fp16Ratio(QStringLiteral("/not/in/the/library.gguf")), 0.0);
        {
            QFile src(tern::app::test::tinyModel());
            QVERIFY(src.open(QIODevice::ReadOnly));
            QByteArray bytes = src.readAll();
            const QByteArray key("tern.synthetic");
            const qsizetype at = bytes.indexOf(key);
            QVERIFY(at > 0);
            const qsizetype value = at + key.size() + 4;  // after the key: the u32 type (BOOL = 7), then the byte
            QCOMPARE(int(bytes[at + key.size()]), 7);
            QCOMPARE(int(bytes[value]), 1);
            bytes[value] = 0;
            QFile out(models.path() + QStringLiteral("/tern-benchmark-2b4t.gguf"));
            QVERIFY(out.open(QIODevice::WriteOnly));
            QCOMPARE(out.write(bytes), bytes.size());
        }
        lib.refresh();
        QCOMPARE(lib.rowCount(), 2);
        for (int r = 0; r < 2; ++r) {
            const QModelIndex m = lib.index(r);
            const bool named = QFileInfo(lib.data(m, ModelLibrary::PathRole).toString()).fileName().startsWith(QStringLiteral("tern-benchmark"));
            QCOMPARE(lib.data(m, ModelLibrary::BenchmarkRole).toBool(), !named);
            if (named) QVERIFY(QFile::remove(lib.data(m, ModelLibrary::PathRole).toString()));
        }
        lib.refresh();
        QCOMPARE(lib.rowCount(), 1);

        // A bad file: clear message, not added.
        QTemporaryDir elsewhere;
        const QString bad = elsewhere.path() + QStringLiteral("/bad.gguf");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF but not really");
        f.close();
        QCOMPARE(lib.importFile(bad), QString());
        QVERIFY(lib.lastError().startsWith(QStringLiteral("Not added:")));
        QVERIFY(lib.lastError().contains(QStringLiteral("bad.gguf")));
        QCOMPARE(lib.rowCount(), 1);
        QCOMPARE(lib.importFile(elsewhere.path() + QStringLiteral("/missing.gguf")), QString());
        QCOMPARE(lib.rowCount(), 1);

        // A good file elsewhere is imported in place (not copied) and can be forgotten.
        const QString ext = elsewhere.path() + QStringLiteral("/ext.gguf");
        QVERIFY(QFile::copy(tern::app::test::tinyModel(), ext));
        QVERIFY(!lib.importFile(QUrl::fromLocalFile(ext).toString()).isEmpty());
        QCOMPARE(lib.rowCount(), 2);
        QVERIFY(lib.remove(QFileInfo(ext).canonicalFilePath()));
        QCOMPARE(lib.rowCount(), 1);
        QVERIFY(QFile::exists(ext));  // imported files are only forgotten

        // A file in the models folder is deleted from disk.
        QVERIFY(lib.remove(lib.data(lib.index(0), ModelLibrary::PathRole).toString()));
        QCOMPARE(lib.rowCount(), 0);
        QVERIFY(!QFile::exists(models.path() + QStringLiteral("/a.gguf")));
    }

    // Issue 15: each file says which chat template its chats get: the one recognised in the file
    // (a `llama` synth file carries Llama 3's), else the default with the reason (the 2B4T
    // layout's placeholder template is not a known one). A choice is stored per file and is still
    // there after a restart (a new Settings and library read it back); the file's own template,
    // or a name the engine does not know, is no choice.
    void chatTemplateIsShownAndTheChoiceSurvivesARestart() {
        QTemporaryDir models;
        const QString llama = models.path() + QStringLiteral("/llama.gguf");
        const QString bitnet = models.path() + QStringLiteral("/bitnet.gguf");
        QVERIFY(QFile::copy(tern::app::test::tinyModel(QStringLiteral("tiny"), QStringLiteral("llama")), llama));
        QVERIFY(QFile::copy(tern::app::test::tinyModel(), bitnet));
        auto row = [](const ModelLibrary& lib, const QString& path) {
            for (int r = 0; r < lib.rowCount(); ++r)
                if (lib.data(lib.index(r), ModelLibrary::PathRole).toString() == path) return lib.index(r);
            return QModelIndex();
        };
        {
            Settings settings;
            settings.setModelsDir(models.path());
            ModelLibrary lib(&settings);
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateNoteRole).toString(), QStringLiteral("detected: Llama 3"));
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateRole).toString(), QStringLiteral("llama3"));
            QCOMPARE(lib.data(row(lib, bitnet), ModelLibrary::ChatTemplateNoteRole).toString(),
                     QStringLiteral("default: BitNet 2B4T — no known template found"));
            QStringList names;
            for (const QVariant& c : lib.chatTemplateChoices()) names << c.toMap().value(QStringLiteral("name")).toString();
            QCOMPARE(names, (QStringList{"bitnet", "plain", "llama3", "chatml", "falcon3"}));

            QSignalSpy changed(&lib, &QAbstractItemModel::dataChanged);
            lib.setChatTemplate(llama, QStringLiteral("chatml"));
            QCOMPARE(changed.count(), 1);
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateRole).toString(), QStringLiteral("chatml"));
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateNoteRole).toString(),
                     QStringLiteral("chosen: ChatML (detected: Llama 3)"));
            QCOMPARE(lib.data(row(lib, bitnet), ModelLibrary::ChatTemplateRole).toString(), QStringLiteral("bitnet"));  // per file
        }
        {
            Settings settings;  // a restart: everything read back from the settings file
            ModelLibrary lib(&settings);
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateRole).toString(), QStringLiteral("chatml"));
            QCOMPARE(settings.chatTemplateOverride(llama), QStringLiteral("chatml"));
            lib.setChatTemplate(llama, QStringLiteral("jinja"));  // unknown: no choice
            QCOMPARE(settings.chatTemplateOverride(llama), QString());
            lib.setChatTemplate(llama, QStringLiteral("falcon3"));
            lib.setChatTemplate(llama, QStringLiteral("llama3"));  // the file's own: no choice
            QCOMPARE(settings.chatTemplateOverride(llama), QString());
            QCOMPARE(lib.data(row(lib, llama), ModelLibrary::ChatTemplateNoteRole).toString(), QStringLiteral("detected: Llama 3"));
        }
    }

    // Issue 15: every catalog entry (as the app reads it, from its resources) can be downloaded
    // from Hugging Face over https and says what it is: its size, licence, architecture and RAM
    // need; no two entries save to the same file; a published hash is a SHA-256.
    void catalogEntriesAreComplete() {
        QFile f(QStringLiteral(":/resources/catalog.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray models = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toArray();
        QVERIFY(models.size() >= 2);
        const QStringList archs{"bitnet-b1.58", "bitnet-25", "bitnet", "llama", "qwen3"};  // tern::ModelInfo::arch
        // The projections' type (what inspect shows for blk.0.attn_q.weight) must be one the engine
        // decodes: a catalog card for PrismML's Q2_0 or a Q4_0 repack would download a file Tern refuses.
        const QStringList types{"I2_S", "TQ1_0", "TQ2_0", "F16", "BF16", "F32", "Q8_0", "Q4_K", "Q5_K", "Q6_K"};
        QSet<QString> files;
        for (const QJsonValue& v : models) {
            const QJsonObject m = v.toObject();
            const QString id = m.value(QStringLiteral("id")).toString();
            const QUrl url(m.value(QStringLiteral("url")).toString());
            QVERIFY2(url.scheme() == QLatin1String("https") && url.host() == QLatin1String("huggingface.co"), qPrintable(id));
            QVERIFY2(url.path().startsWith(QLatin1Char('/') + id + QStringLiteral("/resolve/")), qPrintable(id));
            QVERIFY2(m.value(QStringLiteral("homepage")).toString() == QStringLiteral("https://huggingface.co/") + id, qPrintable(id));
            QVERIFY2(m.value(QStringLiteral("bytes")).toDouble() > 0, qPrintable(id));
            QVERIFY2(m.value(QStringLiteral("ramBytes")).toDouble() > m.value(QStringLiteral("bytes")).toDouble(), qPrintable(id));
            QVERIFY2(!m.value(QStringLiteral("licence")).toString().trimmed().isEmpty(), qPrintable(id));
            QVERIFY2(archs.contains(m.value(QStringLiteral("arch")).toString()), qPrintable(id));
            QVERIFY2(!m.value(QStringLiteral("name")).toString().isEmpty(), qPrintable(id));
            QVERIFY2(types.contains(m.value(QStringLiteral("ternaryType")).toString()), qPrintable(id));
            const QString file = m.value(QStringLiteral("file")).toString();
            QVERIFY2(file.endsWith(QStringLiteral(".gguf")) && !file.contains(QLatin1Char('/')), qPrintable(id));
            QVERIFY2(!files.contains(file), qPrintable(file));
            files.insert(file);
            const QString sha = m.value(QStringLiteral("sha256")).toString();
            QVERIFY2(sha.isEmpty() || QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(sha).hasMatch(), qPrintable(id));
        }
    }
};

QTEST_GUILESS_MAIN(TestLibrary)
#include "tst_library.moc"
