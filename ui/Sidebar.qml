// Left column: brand, new chat, navigation and the loaded model.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    color: Theme.surface

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 14
        spacing: 10

        RowLayout {
            spacing: 10
            Image {
                source: "qrc:/resources/icons/tern.svg"
                sourceSize.width: 30; sourceSize.height: 30
                Accessible.ignored: true
            }
            Label {
                text: "Tern"
                font.pixelSize: 20; font.weight: Font.DemiBold
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            Label {
                text: "v" + ModelSession.version
                color: Theme.textMuted; font.pixelSize: 11
            }
        }

        TButton {
            Layout.fillWidth: true
            text: qsTr("New chat")
            icon.source: "qrc:/resources/icons/plus.svg"
            primary: true
            enabled: ModelSession.state === ModelSession.Ready
            onClicked: { Navigation.page = Navigation.Chat; Conversations.newChat() }
            Accessible.name: qsTr("Start a new chat")
            ToolTip.visible: hovered; ToolTip.text: qsTr("New chat (Ctrl+N)")
        }

        Label {
            text: qsTr("CONVERSATIONS")
            color: Theme.textMuted; font.pixelSize: 11; font.letterSpacing: 1
            Layout.topMargin: 8
        }
        ConversationList {
            Layout.fillWidth: true
            Layout.fillHeight: true
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }

        NavButton { text: qsTr("Chat"); iconName: "chat"; page: Navigation.Chat }
        NavButton { text: qsTr("Models"); iconName: "models"; page: Navigation.Models }
        NavButton { text: qsTr("Benchmark"); iconName: "gauge"; page: Navigation.Benchmark; objectName: "benchmarkNav" }
        NavButton { text: qsTr("Settings"); iconName: "settings"; page: Navigation.Settings }

        // The loaded model, always visible: what is answering matters for every figure shown.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: modelCol.implicitHeight + 20
            radius: Theme.radius
            color: Theme.surfaceAlt
            visible: ModelSession.state === ModelSession.Ready
            ColumnLayout {
                id: modelCol
                anchors.fill: parent; anchors.margins: 10
                spacing: 2
                Label {
                    text: ModelSession.model.name || ""
                    color: Theme.text; font.weight: Font.DemiBold
                    elide: Text.ElideRight; Layout.fillWidth: true
                }
                // One line each, elided; the whole text is in the tooltip (a long backend name ran
                // over the page beside the sidebar).
                Label {
                    id: detailLine
                    objectName: "modelDetailLine"
                    text: (ModelSession.model.ternaryType || "") + " · " + Format.bytes(ModelSession.model.fileBytes || 0)
                          + " · " + (ModelSession.model.backend || "")
                    color: Theme.textMuted; font.pixelSize: 12
                    elide: Text.ElideRight; Layout.fillWidth: true
                    HoverHandler { id: detailHover }
                    ToolTip.visible: detailHover.hovered && detailLine.truncated
                    ToolTip.text: detailLine.text
                }
                // Running on the CPU is normal, not an error: a neutral line, why not Vulkan in the tooltip.
                Label {
                    id: deviceLine
                    objectName: "deviceLine"
                    visible: !!ModelSession.model.backendFallbackReason
                    text: qsTr("Running on the CPU")
                    color: Theme.textMuted; font.pixelSize: 11
                    elide: Text.ElideRight; Layout.fillWidth: true
                    HoverHandler { id: deviceHover }
                    ToolTip.visible: deviceHover.hovered
                    ToolTip.text: qsTr("No Vulkan GPU is used: %1").arg(ModelSession.model.backendFallbackReason || "")
                }
                TButton {
                    text: qsTr("Close model")
                    flat: true
                    Layout.alignment: Qt.AlignLeft
                    onClicked: ModelSession.unload()
                    Accessible.name: qsTr("Close the loaded model")
                }
            }
        }
    }
}
