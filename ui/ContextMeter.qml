// How much of the context window the conversation uses; warns before it is full.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    readonly property int used: app.metrics.contextUsed
    readonly property int size: Math.max(1, app.metrics.contextSize)
    readonly property real fraction: used / size
    spacing: 8

    ProgressBar {
        Layout.preferredWidth: 140
        from: 0; to: 1; value: parent.fraction
        Accessible.name: qsTr("Context used")
    }
    Label {
        text: qsTr("Context %1 / %2 tokens").arg(parent.used).arg(app.metrics.contextSize)
        color: parent.fraction > 0.85 ? theme.warning : theme.textMuted
        font.pixelSize: 12
    }
    Label {
        visible: parent.fraction > 0.85
        text: qsTr("— nearly full: start a new chat soon")
        color: theme.warning; font.pixelSize: 12
    }
    Item { Layout.fillWidth: true }
}
