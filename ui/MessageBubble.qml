// One message: user text in a tinted bubble, answers as Markdown, actions and stored metrics below.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: bubble
    objectName: "messageBubble"
    required property int index
    required property string role
    required property string content
    required property bool streaming
    required property var metrics
    signal editRequested(int row, string text)

    readonly property bool isUser: role === "user"
    implicitHeight: col.implicitHeight

    ColumnLayout {
        id: col
        width: Math.min(bubble.width - 48, 860)
        x: (bubble.width - width) / 2
        spacing: 4

        Label {
            text: bubble.isUser ? qsTr("You") : (app.modelInfo.name || qsTr("Assistant"))
            color: theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
        }

        Rectangle {
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.preferredWidth: bubble.isUser ? Math.min(body.implicitWidth + 28, col.width * 0.8) : col.width
            implicitHeight: body.implicitHeight + (bubble.isUser ? 20 : 4)
            radius: theme.radius + 2
            color: bubble.isUser ? theme.userBubble : "transparent"

            TextEdit {
                id: body
                objectName: "messageText"
                anchors.fill: parent
                anchors.margins: bubble.isUser ? 10 : 2
                anchors.leftMargin: bubble.isUser ? 14 : 2
                anchors.rightMargin: bubble.isUser ? 14 : 2
                text: bubble.content + (bubble.streaming ? " ▍" : "")
                // User text is shown as typed; answers are Markdown (code blocks, lists, tables).
                textFormat: bubble.isUser ? TextEdit.PlainText : TextEdit.MarkdownText
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: theme.text
                selectionColor: theme.accent
                font.pixelSize: 15
                Accessible.role: Accessible.StaticText
                Accessible.name: (bubble.isUser ? qsTr("You said: ") : qsTr("Answer: ")) + bubble.content
            }
        }

        RowLayout {
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            visible: !bubble.streaming

            Label {
                visible: !bubble.isUser && bubble.metrics && bubble.metrics.decodeTps !== undefined
                text: bubble.metrics && bubble.metrics.decodeTps !== undefined
                      ? qsTr("%1 tok/s · TTFT %2 ms · %3 tokens · %4")
                            .arg(Number(bubble.metrics.decodeTps).toFixed(1))
                            .arg(Math.round(bubble.metrics.ttftMs || 0))
                            .arg(bubble.metrics.nGenerated || 0)
                            .arg(bubble.metrics.stopReason || "")
                      : ""
                color: theme.textMuted; font.pixelSize: 12; font.family: theme.mono
                rightPadding: 8
                ToolTip.visible: metricsHover.hovered
                ToolTip.text: bubble.metrics ? qsTr("Prompt %1 tokens (%2 reused) · prefill %3 tok/s · decode %4 ms · token latency p50 %6 ms, p95 %7 ms · RSS %5")
                                    .arg(bubble.metrics.nPrompt || 0).arg(bubble.metrics.nReused || 0)
                                    .arg(Number(bubble.metrics.prefillTps || 0).toFixed(0))
                                    .arg(Math.round(bubble.metrics.decodeMs || 0))
                                    .arg(app.formatBytes(bubble.metrics.rssBytes || 0))
                                    .arg(Math.round(bubble.metrics.itlP50Ms || 0)).arg(Math.round(bubble.metrics.itlP95Ms || 0)) : ""
                HoverHandler { id: metricsHover }
            }
            ToolButton {
                icon.source: "qrc:/resources/icons/copy.svg"
                icon.width: 16; icon.height: 16
                onClicked: app.copyText(bubble.content)
                Accessible.name: qsTr("Copy message")
                ToolTip.visible: hovered; ToolTip.text: qsTr("Copy")
            }
            ToolButton {
                visible: bubble.isUser
                icon.source: "qrc:/resources/icons/edit.svg"
                icon.width: 16; icon.height: 16
                enabled: !app.generating
                onClicked: bubble.editRequested(bubble.index, bubble.content)
                Accessible.name: qsTr("Edit and resend")
                ToolTip.visible: hovered; ToolTip.text: qsTr("Edit and resend")
            }
            ToolButton {
                visible: !bubble.isUser && bubble.index === app.chat.count - 1
                icon.source: "qrc:/resources/icons/refresh.svg"
                icon.width: 16; icon.height: 16
                enabled: !app.generating
                onClicked: app.regenerate()
                Accessible.name: qsTr("Regenerate the answer")
                ToolTip.visible: hovered; ToolTip.text: qsTr("Regenerate")
            }
        }
    }
}
