// The conversation: streaming messages and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: chatView
    property int editRow: -1   // >= 0 while the composer holds an edited earlier message

    function submit() {
        const text = input.text
        if (text.trim().length === 0 || app.generating || app.benchRunning) return
        if (editRow >= 0) app.editAndResend(editRow, text)
        else app.send(text)
        editRow = -1
        input.text = ""
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // This chat's system prompt, stored with the conversation.
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 24; Layout.rightMargin: 24; Layout.topMargin: 8
            spacing: 8
            Label { text: qsTr("System"); color: theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold }
            TextField {
                id: systemField
                Layout.fillWidth: true
                text: app.systemPrompt
                placeholderText: qsTr("Instructions for this chat (optional)")
                font.pixelSize: 13
                selectByMouse: true
                onEditingFinished: app.systemPrompt = text
                Accessible.name: qsTr("System prompt for this chat")
            }
            // This chat's sampling parameters.
            ToolButton {
                id: samplingButton
                objectName: "chatSamplingButton"
                readonly property int custom: Object.keys(app.samplingOverrides).length
                icon.source: "qrc:/resources/icons/sliders.svg"
                icon.width: 18; icon.height: 18
                text: custom > 0 ? qsTr("Custom") : ""
                display: custom > 0 ? AbstractButton.TextBesideIcon : AbstractButton.IconOnly
                font.pixelSize: 12
                font.capitalization: Font.MixedCase
                checkable: false
                highlighted: custom > 0
                onClicked: samplingPopup.opened ? samplingPopup.close() : samplingPopup.open()
                Accessible.name: qsTr("Sampling settings for this chat")
                ToolTip.visible: hovered && !samplingPopup.opened
                ToolTip.text: qsTr("Sampling for this chat: temperature %1, top-p %2, min-p %3, repeat penalty %4")
                                  .arg(Number(app.sampling.temperature).toFixed(2)).arg(Number(app.sampling.topP).toFixed(2))
                                  .arg(Number(app.sampling.minP).toFixed(2)).arg(Number(app.sampling.repeatPenalty).toFixed(2))

                Popup {
                    id: samplingPopup
                    objectName: "chatSamplingPopup"
                    y: samplingButton.height + 4
                    x: samplingButton.width - width
                    width: 500
                    padding: 16
                    focus: true
                    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutsideParent
                    background: Rectangle {
                        color: theme.surface
                        radius: theme.radius
                        border.color: theme.border
                    }
                    contentItem: ColumnLayout {
                        spacing: 10
                        Label {
                            text: qsTr("Sampling for this chat")
                            font.pixelSize: 15; font.weight: Font.DemiBold; color: theme.text
                        }
                        Label {
                            text: samplingButton.custom > 0
                                  ? qsTr("Values in colour are this chat's own; the rest follow the defaults in Settings.")
                                  : qsTr("This chat follows the defaults in Settings. Changes here apply to it alone.")
                            color: theme.textMuted; font.pixelSize: 12
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                        }
                        SamplingControls {
                            Layout.fillWidth: true
                            labelWidth: 190
                            values: app.sampling
                            customKeys: Object.keys(app.samplingOverrides)
                            onEdited: (key, value) => app.setChatSampling(key, value)
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            TButton {
                                text: qsTr("Use the defaults")
                                enabled: samplingButton.custom > 0
                                onClicked: app.resetChatSampling()
                                Accessible.name: qsTr("Use the default sampling settings for this chat")
                            }
                            Item { Layout.fillWidth: true }
                            TButton {
                                text: qsTr("Done")
                                primary: true
                                onClicked: samplingPopup.close()
                            }
                        }
                    }
                }
            }
        }

        ListView {
            id: list
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: app.chat
            spacing: 14
            topMargin: 24; bottomMargin: 24
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            delegate: MessageBubble {
                width: ListView.view.width
                onEditRequested: (row, text) => { chatView.editRow = row; input.text = text; input.forceActiveFocus() }
            }
            // Follow the answer as it streams unless the user scrolled up to read.
            property bool pinned: true
            onMovementEnded: pinned = atYEnd
            onContentHeightChanged: if (pinned) Qt.callLater(positionViewAtEnd)
            onCountChanged: { pinned = true; Qt.callLater(positionViewAtEnd) }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                width: Math.min(parent.width - 80, 520)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: theme.textMuted
                font.pixelSize: 15
                text: qsTr("Ask anything. Enter sends, Shift+Enter starts a new line, Esc stops the answer.")
            }
        }

        // Composer.
        Rectangle {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.topMargin: 0
            implicitHeight: composer.implicitHeight + 16
            radius: theme.radius + 4
            color: theme.surface
            border.color: input.activeFocus ? theme.accent : theme.border

            ColumnLayout {
                id: composer
                anchors.fill: parent; anchors.margins: 8
                spacing: 4

                Label {
                    visible: app.benchRunning
                    text: qsTr("A benchmark is running on the Benchmark page; sending waits until it is done.")
                    color: theme.warning; font.pixelSize: 12
                    Layout.leftMargin: 8
                }
                Label {
                    visible: chatView.editRow >= 0
                    text: qsTr("Editing an earlier message: sending drops the messages after it.")
                    color: theme.warning; font.pixelSize: 12
                    Layout.leftMargin: 8
                }
                RowLayout {
                    spacing: 8
                    ScrollView {
                        Layout.fillWidth: true
                        Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 180)
                        TextArea {
                            id: input
                            objectName: "composer"
                            placeholderText: qsTr("Message %1…").arg(app.modelInfo.name || "")
                            wrapMode: TextEdit.Wrap
                            focus: true
                            background: null
                            color: theme.text
                            Accessible.name: qsTr("Message")
                            Accessible.description: qsTr("Enter sends, Shift+Enter adds a new line, Escape stops the answer")
                            Keys.onPressed: (event) => {
                                if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                        && !(event.modifiers & Qt.ShiftModifier)) {
                                    chatView.submit()
                                    event.accepted = true
                                } else if (event.key === Qt.Key_Escape) {
                                    if (app.generating) app.stop()
                                    else if (chatView.editRow >= 0) { chatView.editRow = -1; input.text = "" }
                                    event.accepted = true
                                }
                            }
                            Component.onCompleted: forceActiveFocus()
                        }
                    }
                    TButton {
                        objectName: "sendButton"
                        text: app.generating ? qsTr("Stop") : qsTr("Send")
                        icon.source: app.generating ? "qrc:/resources/icons/stop.svg" : "qrc:/resources/icons/send.svg"
                        primary: !app.generating
                        enabled: app.generating || (input.text.trim().length > 0 && !app.benchRunning)
                        onClicked: app.generating ? app.stop() : chatView.submit()
                        Accessible.name: app.generating ? qsTr("Stop the answer") : qsTr("Send the message")
                    }
                }
                ContextMeter {
                    Layout.fillWidth: true
                    Layout.leftMargin: 8; Layout.rightMargin: 8
                }
            }
        }
    }
}
