// The conversation: streaming messages and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Item {
    id: chatView
    property int editRow: -1   // >= 0 while the composer holds an edited earlier message

    function submit() {
        const text = input.text
        if (text.trim().length === 0 || Conversations.generating || Benchmarks.running) return
        if (editRow >= 0) Conversations.editAndResend(editRow, text)
        else Conversations.send(text)
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
            Label { text: qsTr("System"); color: Theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold }
            TextField {
                id: systemField
                Layout.fillWidth: true
                text: Conversations.systemPrompt
                placeholderText: qsTr("Instructions for this chat (optional)")
                font.pixelSize: 13
                selectByMouse: true
                onEditingFinished: Conversations.systemPrompt = text
                Accessible.name: qsTr("System prompt for this chat")
            }
            // Shows or hides the live profile (closed by default in a narrow window).
            ToolButton {
                objectName: "profileToggle"
                icon.source: "qrc:/resources/icons/gauge.svg"
                icon.width: 18; icon.height: 18
                checkable: true
                checked: Navigation.profileOpen
                onToggled: Navigation.profileOpen = checked
                Accessible.name: checked ? qsTr("Hide the live profile") : qsTr("Show the live profile")
                FocusRing {}
                ToolTip.visible: hovered
                ToolTip.text: Accessible.name
            }
            // This chat's sampling parameters.
            ToolButton {
                id: samplingButton
                objectName: "chatSamplingButton"
                readonly property int custom: Object.keys(Conversations.samplingOverrides).length
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
                FocusRing {}
                ToolTip.visible: hovered && !samplingPopup.opened
                ToolTip.text: qsTr("Sampling for this chat: temperature %1, top-p %2, min-p %3, repeat penalty %4")
                                  .arg(Number(Conversations.sampling.temperature).toFixed(2)).arg(Number(Conversations.sampling.topP).toFixed(2))
                                  .arg(Number(Conversations.sampling.minP).toFixed(2)).arg(Number(Conversations.sampling.repeatPenalty).toFixed(2))

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
                        color: Theme.surface
                        radius: Theme.radius
                        border.color: Theme.border
                    }
                    contentItem: ColumnLayout {
                        spacing: 10
                        Label {
                            text: qsTr("Sampling for this chat")
                            font.pixelSize: 15; font.weight: Font.DemiBold; color: Theme.text
                        }
                        Label {
                            text: samplingButton.custom > 0
                                  ? qsTr("Values in colour are this chat's own; the rest follow the defaults in Settings.")
                                  : qsTr("This chat follows the defaults in Settings. Changes here apply to it alone.")
                            color: Theme.textMuted; font.pixelSize: 12
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                        }
                        SamplingControls {
                            Layout.fillWidth: true
                            labelWidth: 190
                            values: Conversations.sampling
                            customKeys: Object.keys(Conversations.samplingOverrides)
                            onEdited: (key, value) => Conversations.setChatSampling(key, value)
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            TButton {
                                text: qsTr("Use the defaults")
                                enabled: samplingButton.custom > 0
                                onClicked: Conversations.resetChatSampling()
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
            model: Conversations.chat
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
            onContentHeightChanged: if (pinned) follow.restart()
            onCountChanged: { pinned = true; follow.restart() }
            // Once the layout settles (the next turn of the event loop), as often as it changes.
            Timer { id: follow; interval: 0; onTriggered: list.positionViewAtEnd() }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                width: Math.min(parent.width - 80, 520)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.textMuted
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
            radius: Theme.radius + 4
            color: Theme.surface
            border.color: input.activeFocus ? Theme.accent : Theme.border

            ColumnLayout {
                id: composer
                anchors.fill: parent; anchors.margins: 8
                spacing: 4

                Label {
                    visible: Benchmarks.running
                    text: qsTr("A benchmark is running on the Benchmark page; sending waits until it is done.")
                    color: Theme.warning; font.pixelSize: 12
                    Layout.leftMargin: 8
                }
                Label {
                    visible: chatView.editRow >= 0
                    text: qsTr("Editing an earlier message: sending drops the messages after it.")
                    color: Theme.warning; font.pixelSize: 12
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
                            placeholderText: qsTr("Message %1…").arg(ModelSession.model.name || "")
                            wrapMode: TextEdit.Wrap
                            focus: true
                            background: null
                            color: Theme.text
                            Accessible.name: qsTr("Message")
                            Accessible.description: qsTr("Enter sends, Shift+Enter adds a new line, Escape stops the answer, Tab moves on")
                            Keys.onPressed: (event) => {
                                if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                        && !(event.modifiers & Qt.ShiftModifier)) {
                                    chatView.submit()
                                    event.accepted = true
                                } else if (event.key === Qt.Key_Escape) {
                                    if (Conversations.generating) Conversations.stop()
                                    else if (chatView.editRow >= 0) { chatView.editRow = -1; input.text = "" }
                                    event.accepted = true
                                } else if (event.key === Qt.Key_Tab || event.key === Qt.Key_Backtab) {
                                    // Tab moves the focus, as in other chat apps, instead of typing a tab.
                                    const forward = event.key === Qt.Key_Tab && !(event.modifiers & Qt.ShiftModifier)
                                    const next = input.nextItemInFocusChain(forward)
                                    if (next) next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason)
                                    event.accepted = true
                                }
                            }
                            Component.onCompleted: forceActiveFocus()
                        }
                    }
                    TButton {
                        objectName: "sendButton"
                        text: Conversations.generating ? qsTr("Stop") : qsTr("Send")
                        icon.source: Conversations.generating ? "qrc:/resources/icons/stop.svg" : "qrc:/resources/icons/send.svg"
                        primary: !Conversations.generating
                        enabled: Conversations.generating || (input.text.trim().length > 0 && !Benchmarks.running)
                        onClicked: Conversations.generating ? Conversations.stop() : chatView.submit()
                        Accessible.name: Conversations.generating ? qsTr("Stop the answer") : qsTr("Send the message")
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
