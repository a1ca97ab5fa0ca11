// How much of the context window the conversation uses (moving while an answer streams), and
// what this chat does when it is full.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

RowLayout {
    id: meter
    readonly property int used: Metrics.contextUsed
    readonly property int size: Math.max(1, Metrics.contextSize)
    readonly property real fraction: used / size
    spacing: 8

    ProgressBar {
        objectName: "contextBar"
        Layout.preferredWidth: 140
        from: 0; to: 1; value: meter.fraction
        Accessible.name: qsTr("Context used")
    }
    Label {
        objectName: "contextLabel"
        text: qsTr("Context %1 / %2 tokens").arg(meter.used).arg(Metrics.contextSize)
        color: meter.fraction > 0.85 ? Theme.warning : Theme.textMuted
        font.pixelSize: 12
    }
    Label {
        visible: meter.fraction > 0.85
        Layout.fillWidth: true
        elide: Text.ElideRight
        text: Conversations.contextPolicy === ContextPolicy.Stop ? qsTr("— nearly full: start a new chat soon")
            : Conversations.contextPolicy === ContextPolicy.TruncateMiddle ? qsTr("— nearly full: messages after the first will be left out")
            : qsTr("— nearly full: the oldest messages will be left out")
        color: Theme.warning; font.pixelSize: 12
        HoverHandler { id: warningHover }
        ToolTip.visible: truncated && warningHover.hovered
        ToolTip.text: text
    }
    Item { Layout.fillWidth: true; visible: meter.fraction <= 0.85 }

    Label { text: qsTr("When full"); color: Theme.textMuted; font.pixelSize: 12 }
    // This chat's choice, stored with it.
    ComboBox {
        id: policyBox
        objectName: "contextPolicy"
        Layout.preferredWidth: 170
        font.pixelSize: 12
        textRole: "text"
        valueRole: "value"
        model: [
            { value: ContextPolicy.RollingWindow, text: qsTr("Rolling window"),
              tip: qsTr("Leaves out the oldest messages, never the system prompt, so the chat can go on; an answer that fills the context goes on the same way. The chat says when messages were left out.") },
            { value: ContextPolicy.TruncateMiddle, text: qsTr("Truncate middle"),
              tip: qsTr("Keeps the system prompt, your first message and the latest ones, and leaves out those in between; an answer that fills the context goes on the same way. The chat says when messages were left out.") },
            { value: ContextPolicy.Stop, text: qsTr("Stop"),
              tip: qsTr("Stops the answer when the context is full and leaves every message in; start a new chat to go on.") }
        ]
        currentIndex: Math.max(0, indexOfValue(Conversations.contextPolicy))
        onActivated: Conversations.contextPolicy = currentValue
        Accessible.name: qsTr("When the context is full")
        ToolTip.visible: hovered && !popup.visible
        ToolTip.delay: 500
        ToolTip.text: currentIndex >= 0 ? model[currentIndex].tip : ""
        delegate: ItemDelegate {
            required property var modelData
            width: ListView.view ? ListView.view.width : implicitWidth
            text: modelData.text
            font.pixelSize: 12
            highlighted: ListView.isCurrentItem
            ToolTip.visible: hovered
            ToolTip.delay: 300
            ToolTip.text: modelData.tip
        }
    }
}
