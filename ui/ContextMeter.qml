// How much of the context window the conversation uses; warns before it is full.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

RowLayout {
    readonly property int used: Metrics.contextUsed
    readonly property int size: Math.max(1, Metrics.contextSize)
    readonly property real fraction: used / size
    spacing: 8

    ProgressBar {
        Layout.preferredWidth: 140
        from: 0; to: 1; value: parent.fraction
        Accessible.name: qsTr("Context used")
    }
    Label {
        text: qsTr("Context %1 / %2 tokens").arg(parent.used).arg(Metrics.contextSize)
        color: parent.fraction > 0.85 ? Theme.warning : Theme.textMuted
        font.pixelSize: 12
    }
    Label {
        visible: parent.fraction > 0.85
        text: qsTr("— nearly full: start a new chat soon")
        color: Theme.warning; font.pixelSize: 12
    }
    Item { Layout.fillWidth: true }
}
