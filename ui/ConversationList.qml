// Conversations of this session (persisted ones arrive with the database).
import QtQuick
import QtQuick.Controls

Label {
    text: app.chat.count > 0 ? qsTr("Current chat (%1 messages)").arg(app.chat.count) : qsTr("No messages yet")
    color: theme.textMuted
    verticalAlignment: Text.AlignTop
    wrapMode: Text.Wrap
}
