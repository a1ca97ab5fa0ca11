#pragma once
// Installed models: the .gguf files in the models folder plus files imported in place elsewhere
// (remembered in settings, never copied: models are big). Each is described by ModelInspector.
#include <QAbstractListModel>
#include <QVector>

#include "ModelInspector.h"

namespace tern::app {

class Settings;

class ModelLibrary : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(double totalBytes READ totalBytes NOTIFY changed)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    // The chat templates a model can be given: [{name: "llama3", title: "Llama 3"}, ...].
    Q_PROPERTY(QVariantList chatTemplateChoices READ chatTemplateChoices CONSTANT)
public:
    // ChatTemplateRole: the engine's name of the template that runs (the user's choice, else the
    // file's); ChatTemplateNoteRole: the same for people, with where it comes from.
    enum Roles { PathRole = Qt::UserRole + 1, NameRole, ArchRole, TernaryTypeRole, FileBytesRole, RamBytesRole,
                 OkRole, ErrorRole, ExternalRole, BenchmarkRole, ChatTemplateRole, ChatTemplateNoteRole };

    explicit ModelLibrary(Settings* settings, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    double totalBytes() const;
    QVariantList chatTemplateChoices() const;
    QString lastError() const { return lastError_; }

    Q_INVOKABLE void refresh();
    // Validates first: a file Tern cannot run is not added, and lastError says why. Returns the path or "".
    Q_INVOKABLE QString importFile(const QString& pathOrUrl);
    // Files in the models folder are deleted from disk; imported ones are only forgotten.
    Q_INVOKABLE bool remove(const QString& path);
    Q_INVOKABLE bool contains(const QString& path) const;
    // How many times the weights' memory the FP16 baseline of this library model needs (0: unknown).
    Q_INVOKABLE double fp16Ratio(const QString& path) const;
    // Runs this model's chats in template `name` (an engine name) from its next load on (a loaded
    // model reloads); "" or the file's own template goes back to the file's.
    Q_INVOKABLE void setChatTemplate(const QString& path, const QString& name);

Q_SIGNALS:
    void changed();
    void lastErrorChanged();

private:
    struct Entry {
        QString path;
        ModelDescription d;
        bool external = false;
    };
    QStringList externalPaths() const;
    void setExternalPaths(const QStringList& paths);
    void setError(const QString& e);

    Settings* settings_;
    QVector<Entry> entries_;
    QString lastError_;
};

}  // namespace tern::app
