// One message: user text in a tinted bubble, answers as Markdown, actions and stored metrics below.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern 1.0

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
            objectName: "authorLabel"
            // A finished answer names the model that wrote it (stored with it), not the one loaded now.
            text: bubble.isUser ? qsTr("You")
                                : ((bubble.metrics && bubble.metrics.model) || (bubble.streaming ? ModelSession.model.name : "") || qsTr("Assistant"))
            color: Theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
        }

        // The user's text, as typed. Made only for the user's messages: a Repeater of one or none,
        // as a Loader cannot instantiate this file's bound components in Qt 6.4.
        Repeater {
            model: bubble.isUser ? 1 : 0
            Rectangle {
                Layout.alignment: Qt.AlignRight
                // The text's width, up to 80 % of the column.
                Layout.preferredWidth: Math.min(userText.implicitWidth + 28, col.width * 0.8)
                implicitHeight: userText.implicitHeight + 20
                radius: Theme.radius + 2
                color: Theme.userBubble

                TextEdit {
                    id: userText
                    objectName: "messageText"
                    anchors.fill: parent
                    anchors.margins: 10
                    anchors.leftMargin: 14
                    anchors.rightMargin: 14
                    text: bubble.content
                    textFormat: TextEdit.PlainText
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    // Every bubble is laid out from the left, whatever script the text starts with;
                    // ParagraphLayout gives each paragraph the direction most of its letters have.
                    horizontalAlignment: TextEdit.AlignLeft
                    color: Theme.text
                    selectionColor: Theme.accent
                    font.pixelSize: 15
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("You said: ") + bubble.content
                    ParagraphLayout { textDocument: userText.textDocument }
                }
            }
        }

        // The conversation did not fit the model's context: never left out silently.
        Label {
            objectName: "leftOutNotice"
            visible: !bubble.isUser && text !== ""
            text: bubble.metrics ? Format.leftOut(bubble.metrics.droppedMessages || 0) : ""
            color: Theme.textMuted; font.pixelSize: 12; font.italic: true
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        // An answer: Markdown prose and code blocks (with a header and Copy) in the order written.
        ColumnLayout {
            visible: !bubble.isUser
            Layout.fillWidth: true
            spacing: 10

            SegmentModel {
                id: segments
                markdown: bubble.isUser ? "" : bubble.content
                streaming: bubble.streaming
            }

            // Waiting for the first token (prompt processing).
            Label {
                visible: bubble.streaming && segments.count === 0
                text: "▍"
                color: Theme.accent
                font.pixelSize: 15
                SequentialAnimation on opacity {
                    running: bubble.streaming && segments.count === 0
                    loops: Animation.Infinite
                    NumberAnimation { from: 1; to: 0.2; duration: 500 }
                    NumberAnimation { from: 0.2; to: 1; duration: 500 }
                }
            }

            Repeater {
                model: segments
                // Prose or a code block, as the segment's kind says: a Repeater of one for each
                // (not a Loader, which cannot instantiate bound components in Qt 6.4).
                delegate: ColumnLayout {
                    id: segment
                    required property int index
                    required property string kind
                    required property string segmentText
                    required property string languageName
                    required property string highlight
                    required property bool closed
                    readonly property bool last: index === segments.count - 1
                    readonly property bool code: kind === "code"
                    Layout.fillWidth: true
                    spacing: 0

                    Repeater {
                        model: segment.code ? 0 : 1
                        TextEdit {
                            id: prose
                            objectName: "messageText"
                            Layout.fillWidth: true
                            text: segment.segmentText + (bubble.streaming && segment.last ? " ▍" : "")
                            textFormat: TextEdit.MarkdownText
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.Wrap
                            horizontalAlignment: TextEdit.AlignLeft  // see the user's bubble
                            color: Theme.text
                            selectionColor: Theme.accent
                            font.pixelSize: 15
                            onLinkActivated: (link) => Qt.openUrlExternally(link)
                            HoverHandler {
                                enabled: prose.hoveredLink !== ""
                                cursorShape: Qt.PointingHandCursor
                            }
                            Accessible.role: Accessible.StaticText
                            Accessible.name: qsTr("Answer: ") + segment.segmentText
                            ParagraphLayout { textDocument: prose.textDocument }
                            MarkdownStyle {
                                id: markdownStyle
                                textDocument: prose.textDocument
                                linkColor: Theme.link
                                quoteColor: Theme.textMuted
                            }
                            // Each block quote in a tinted box with a bar at its side, behind the text.
                            Repeater {
                                model: markdownStyle.quoteAreas
                                Rectangle {
                                    id: quoteBox
                                    required property rect modelData
                                    objectName: "quoteBox"
                                    z: -1
                                    x: modelData.x; y: modelData.y
                                    width: modelData.width; height: modelData.height
                                    radius: 4
                                    color: Theme.quoteBox
                                    Rectangle {
                                        objectName: "quoteBar"
                                        width: 3; height: quoteBox.height
                                        radius: 1.5
                                        color: Theme.quoteBar
                                    }
                                }
                            }
                        }
                    }
                    Repeater {
                        model: segment.code ? 1 : 0
                        CodeBlock {
                            Layout.fillWidth: true
                            code: segment.segmentText
                            languageName: segment.languageName
                            highlight: segment.highlight
                            closed: segment.closed
                            streaming: bubble.streaming && segment.last && !segment.closed
                        }
                    }
                }
            }
        }

        // What to do once the context is full.
        Label {
            objectName: "contextFullNotice"
            visible: !bubble.isUser && !bubble.streaming && bubble.metrics && bubble.metrics.stopReason === "context_full"
            text: visible ? Format.contextFullAdvice(bubble.metrics.contextPolicy || "", bubble.metrics.nCtx || 0) : ""
            color: Theme.warning; font.pixelSize: 12
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        RowLayout {
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            visible: !bubble.streaming

            Label {
                visible: !bubble.isUser && bubble.metrics && bubble.metrics.decodeTps !== undefined
                text: bubble.metrics && bubble.metrics.decodeTps !== undefined
                      ? qsTr("%1 tokens/s · first token after %2 · %3 tokens · %4")
                            .arg(Number(bubble.metrics.decodeTps).toFixed(1))
                            .arg(Format.duration(bubble.metrics.ttftMs || 0))
                            .arg(bubble.metrics.nGenerated || 0)
                            .arg(Format.stopReason(bubble.metrics.stopReason || ""))
                      : ""
                color: Theme.textMuted; font.pixelSize: 12; font.family: Theme.mono
                rightPadding: 8
                ToolTip.visible: metricsHover.hovered
                ToolTip.text: bubble.metrics ? qsTr("Prompt %1 tokens (%2 reused) · prompt read at %3 tokens/s · answer written in %4 · time between tokens: median %6 ms, 95th percentile %7 ms · app memory %5")
                                    .arg(bubble.metrics.nPrompt || 0).arg(bubble.metrics.nReused || 0)
                                    .arg(Number(bubble.metrics.prefillTps || 0).toFixed(0))
                                    .arg(Format.duration(bubble.metrics.decodeMs || 0))
                                    .arg(Format.bytes(bubble.metrics.rssBytes || 0))
                                    .arg(Math.round(bubble.metrics.itlP50Ms || 0)).arg(Math.round(bubble.metrics.itlP95Ms || 0)) : ""
                HoverHandler { id: metricsHover }
            }
            ToolButton {
                icon.source: "qrc:/resources/icons/copy.svg"
                icon.width: 16; icon.height: 16
                onClicked: Conversations.copyText(bubble.content)
                Accessible.name: qsTr("Copy message")
                FocusRing {}
                ToolTip.visible: hovered; ToolTip.text: qsTr("Copy")
            }
            ToolButton {
                visible: bubble.isUser
                icon.source: "qrc:/resources/icons/edit.svg"
                icon.width: 16; icon.height: 16
                enabled: !Conversations.generating
                onClicked: bubble.editRequested(bubble.index, bubble.content)
                Accessible.name: qsTr("Edit and resend")
                FocusRing {}
                ToolTip.visible: hovered; ToolTip.text: qsTr("Edit and resend")
            }
            ToolButton {
                visible: !bubble.isUser && bubble.index === Conversations.chat.count - 1
                icon.source: "qrc:/resources/icons/refresh.svg"
                icon.width: 16; icon.height: 16
                enabled: !Conversations.generating
                onClicked: Conversations.regenerate()
                Accessible.name: qsTr("Regenerate the answer")
                FocusRing {}
                ToolTip.visible: hovered; ToolTip.text: qsTr("Regenerate")
            }
        }
    }
}
