#include "ModelLibrary.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUrl>

#include "Settings.h"
#include "tern/chat.h"

namespace tern::app {

ModelLibrary::ModelLibrary(Settings* settings, QObject* parent) : QAbstractListModel(parent), settings_(settings) {
    refresh();
}

int ModelLibrary::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(entries_.size()); }

QVariant ModelLibrary::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= entries_.size()) return {};
    const Entry& e = entries_[index.row()];
    switch (role) {
    case PathRole: return e.path;
    case Qt::DisplayRole:
    case NameRole: return e.d.name;
    case ArchRole: return e.d.arch;
    case TernaryTypeRole: return e.d.ternaryType;
    case FileBytesRole: return double(e.d.fileBytes);
    case RamBytesRole: return double(e.d.ramBytes);
    case OkRole: return e.d.ok;
    case ErrorRole: return e.d.error;
    case ExternalRole: return e.external;
    case BenchmarkRole: return e.d.synthetic;  // the file's tern.synthetic key, whatever its name
    case ChatTemplateRole: {
        const QString chosen = settings_->chatTemplateOverride(e.path);
        return chosen.isEmpty() ? e.d.chatTemplate : chosen;
    }
    case ChatTemplateNoteRole: return chatTemplateNote(e.d, settings_->chatTemplateOverride(e.path));
    }
    return {};
}

QHash<int, QByteArray> ModelLibrary::roleNames() const {
    return {{PathRole, "path"}, {NameRole, "name"}, {ArchRole, "arch"}, {TernaryTypeRole, "ternaryType"},
            {FileBytesRole, "fileBytes"}, {RamBytesRole, "ramBytes"}, {OkRole, "ok"}, {ErrorRole, "error"},
            {ExternalRole, "external"}, {BenchmarkRole, "benchmark"}, {ChatTemplateRole, "chatTemplate"},
            {ChatTemplateNoteRole, "chatTemplateNote"}};
}

QVariantList ModelLibrary::chatTemplateChoices() const {
    QVariantList out;
    for (const ChatTemplateName& t : chat_template_names())
        out.push_back(QVariantMap{{QStringLiteral("name"), QString::fromLatin1(t.name)},
                                  {QStringLiteral("title"), QString::fromLatin1(t.title)}});
    return out;
}

void ModelLibrary::setChatTemplate(const QString& path, const QString& name) {
    for (int row = 0; row < entries_.size(); ++row) {
        const Entry& e = entries_[row];
        if (e.path != path) continue;
        // Choosing the file's own template is no choice: it would stay even if the file changed.
        settings_->setChatTemplateOverride(path, name == e.d.chatTemplate ? QString() : name);
        Q_EMIT dataChanged(index(row), index(row), {ChatTemplateRole, ChatTemplateNoteRole});
        return;
    }
}

double ModelLibrary::totalBytes() const {
    double t = 0;
    for (const Entry& e : entries_) t += double(e.d.fileBytes);
    return t;
}

QStringList ModelLibrary::externalPaths() const {
    return QSettings().value(QStringLiteral("models/external")).toStringList();
}

void ModelLibrary::setExternalPaths(const QStringList& paths) {
    QSettings().setValue(QStringLiteral("models/external"), paths);
}

void ModelLibrary::setError(const QString& e) {
    lastError_ = e;
    Q_EMIT lastErrorChanged();
}

void ModelLibrary::refresh() {
    beginResetModel();
    entries_.clear();
    const QDir dir(settings_->modelsDir());
    for (const QFileInfo& fi : dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name))
        entries_.push_back({fi.absoluteFilePath(), inspectModel(fi.absoluteFilePath()), false});
    for (const QString& p : externalPaths())
        if (QFileInfo::exists(p)) entries_.push_back({p, inspectModel(p), true});
    endResetModel();
    Q_EMIT changed();
}

bool ModelLibrary::contains(const QString& path) const {
    const QString canon = QFileInfo(path).canonicalFilePath();
    for (const Entry& e : entries_)
        if (QFileInfo(e.path).canonicalFilePath() == canon) return true;
    return false;
}

QString ModelLibrary::importFile(const QString& pathOrUrl) {
    const QString path = pathOrUrl.startsWith(QStringLiteral("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
    const ModelDescription d = inspectModel(path);
    if (!d.ok) {
        setError(tr("Not added: %1").arg(d.error));
        return {};
    }
    setError({});
    const QString canon = QFileInfo(path).canonicalFilePath();
    if (!contains(canon)) {
        QStringList ext = externalPaths();
        ext.push_back(canon);
        setExternalPaths(ext);
        refresh();
    }
    return canon;
}

bool ModelLibrary::remove(const QString& path) {
    for (const Entry& e : entries_) {
        if (e.path != path) continue;
        if (e.external) {
            QStringList ext = externalPaths();
            ext.removeAll(path);
            setExternalPaths(ext);
        } else if (!QFile::remove(path)) {
            setError(tr("Could not delete %1.").arg(path));
            return false;
        }
        refresh();
        return true;
    }
    return false;
}

double ModelLibrary::fp16Ratio(const QString& path) const {
    for (const Entry& e : entries_)
        if (e.path == path) return e.d.fp16Ratio;
    return 0;
}

}  // namespace tern::app
