// Left column: brand, new chat, navigation and the loaded model.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    color: theme.surface

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
                color: theme.text
            }
            Item { Layout.fillWidth: true }
            Label {
                text: "v" + app.version
                color: theme.textMuted; font.pixelSize: 11
            }
        }

        TButton {
            Layout.fillWidth: true
            text: qsTr("New chat")
            icon.source: "qrc:/resources/icons/plus.svg"
            primary: true
            enabled: app.state === "ready"
            onClicked: { window.currentPage = "chat"; app.newChat() }
            Accessible.name: qsTr("Start a new chat")
            ToolTip.visible: hovered; ToolTip.text: qsTr("New chat (Ctrl+N)")
        }

        Label {
            text: qsTr("CONVERSATIONS")
            color: theme.textMuted; font.pixelSize: 11; font.letterSpacing: 1
            Layout.topMargin: 8
        }
        ConversationList {
            Layout.fillWidth: true
            Layout.fillHeight: true
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: theme.border }

        NavButton { text: qsTr("Chat"); iconName: "chat"; page: "chat" }
        NavButton { text: qsTr("Models"); iconName: "models"; page: "models" }
        NavButton { text: qsTr("Benchmark"); iconName: "gauge"; page: "benchmark"; objectName: "benchmarkNav" }
        NavButton { text: qsTr("Settings"); iconName: "settings"; page: "settings" }

        // The loaded model, always visible: what is answering matters for every figure shown.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: modelCol.implicitHeight + 20
            radius: theme.radius
            color: theme.surfaceAlt
            visible: app.state === "ready"
            ColumnLayout {
                id: modelCol
                anchors.fill: parent; anchors.margins: 10
                spacing: 2
                Label {
                    text: app.modelInfo.name || ""
                    color: theme.text; font.weight: Font.DemiBold
                    elide: Text.ElideRight; Layout.fillWidth: true
                }
                Label {
                    text: (app.modelInfo.ternaryType || "") + " · " + app.formatBytes(app.modelInfo.fileBytes || 0)
                          + " · " + (app.modelInfo.backend || "")
                    color: theme.textMuted; font.pixelSize: 12
                }
                Label {
                    visible: !!app.modelInfo.backendFallbackReason
                    text: qsTr("On the CPU: %1").arg(app.modelInfo.backendFallbackReason || "")
                    color: theme.warning; font.pixelSize: 11
                    wrapMode: Text.Wrap; Layout.fillWidth: true
                }
                TButton {
                    text: qsTr("Close model")
                    flat: true
                    Layout.alignment: Qt.AlignLeft
                    onClicked: app.unloadModel()
                    Accessible.name: qsTr("Close the loaded model")
                }
            }
        }
    }
}
