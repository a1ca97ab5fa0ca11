// ModelLibrary: scanning the models folder, import validation, removal.
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
};

QTEST_GUILESS_MAIN(TestLibrary)
#include "tst_library.moc"
