#pragma once
// An answer split into Markdown prose and fenced code blocks, so the chat view can draw each code
// block with its own header (language, Copy) and syntax highlighting. The rules follow CommonMark's
// fenced code blocks: a fence is a line of at least three backticks or tildes; a backtick fence's
// info string may not contain backticks (so "```x```" on one line stays prose); the closing fence
// uses the same character, is at least as long and has nothing after it; a fence that never closes
// runs to the end of the text (an answer still streaming). Unlike CommonMark, fences may be
// indented any amount, because models put them inside nested list items.
#include <QAbstractListModel>
#include <QString>
#include <QVector>

namespace tern::app {

struct MarkdownSegment {
    enum class Kind { Text, Code };
    Kind kind = Kind::Text;
    QString text;       // prose as Markdown, or the raw code (no fences, fence indentation removed)
    QString language;   // code: the info string's first word as written ("" when none)
    bool closed = true; // code: false while its closing fence has not arrived

    bool operator==(const MarkdownSegment&) const = default;
};

// streaming: the text may still grow, so a last line that can only be the start of a fence
// ("`" or "``", or a too-short closing fence) is held back instead of flashing up as text or code.
QVector<MarkdownSegment> splitMarkdown(const QString& markdown, bool streaming = false);

// The highlighter's name for a fence's language tag: "cpp", "python", "javascript", "json",
// "shell", or "" when there is no highlighter for it.
QString canonicalLanguage(const QString& tag);
// What the code block's header shows: "C++", "Python", "Bash"... or the tag as written.
QString languageDisplayName(const QString& tag);

// The segments of one message for QML (a Repeater per bubble). Setting `markdown` again, as happens
// for every streamed delta, updates rows in place: delegates survive, so the text does not flicker.
class SegmentModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(QString markdown READ markdown WRITE setMarkdown NOTIFY markdownChanged)
    Q_PROPERTY(bool streaming READ streaming WRITE setStreaming NOTIFY streamingChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { KindRole = Qt::UserRole + 1, TextRole, LanguageRole, LanguageNameRole, HighlightRole, ClosedRole };

    explicit SegmentModel(QObject* parent = nullptr);

    QString markdown() const { return markdown_; }
    void setMarkdown(const QString& m);
    bool streaming() const { return streaming_; }
    void setStreaming(bool s);
    const QVector<MarkdownSegment>& segments() const { return segments_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void markdownChanged();
    void streamingChanged();
    void countChanged();

private:
    void update();
    QString markdown_;
    bool streaming_ = false;
    QVector<MarkdownSegment> segments_;
};

}  // namespace tern::app
