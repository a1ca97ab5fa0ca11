// Saved conversations: search, open, rename, export, delete; import from JSON.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tern

ColumnLayout {
    id: root
    spacing: 6
    property var menuTarget: ({ id: 0, title: "" })

    TextField {
        Layout.fillWidth: true
        placeholderText: qsTr("Search chats")
        onTextChanged: Conversations.list.search = text
        selectByMouse: true
        Accessible.name: qsTr("Search conversations")
    }

    ListView {
        id: convList
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: Conversations.list
        section.property: "section"  // for ListView.section below
        ScrollBar.vertical: ScrollBar {}
        // A row, headed by its date section (Today, Yesterday, Earlier) when it is the section's
        // first. Not a section.delegate: Qt 6.4's ListView cannot instantiate one from a file with
        // pragma ComponentBehavior: Bound ("Component is not ready"), which left the headings out.
        delegate: Column {
            id: row
            required property var conversationId
            required property string title
            required property int messageCount
            required property string section
            width: ListView.view.width

            Label {
                objectName: "conversationSection"
                visible: row.ListView.section !== row.ListView.previousSection
                text: row.section
                color: Theme.textMuted; font.pixelSize: 11; font.weight: Font.DemiBold
                topPadding: 8; bottomPadding: 2; leftPadding: 4
            }
            ItemDelegate {
                id: rowButton
                width: row.width
                height: 36
                highlighted: row.conversationId === Conversations.current
                text: row.title
                font.pixelSize: 13
                onClicked: { Navigation.page = Navigation.Chat; Conversations.open(row.conversationId) }
                Accessible.name: qsTr("Conversation %1").arg(row.title)
                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: { root.menuTarget = { id: row.conversationId, title: row.title }; convMenu.popup() }
                }
                ToolButton {
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    visible: rowButton.hovered || rowButton.highlighted
                    text: "⋯"
                    onClicked: { root.menuTarget = { id: row.conversationId, title: row.title }; convMenu.popup() }
                    Accessible.name: qsTr("Conversation actions")
                    FocusRing {}
                }
            }
        }
        Label {
            anchors.centerIn: parent
            visible: convList.count === 0
            text: Conversations.list.search ? qsTr("No chat matches") : qsTr("Your chats appear here")
            color: Theme.textMuted; font.pixelSize: 12
        }
    }

    TButton {
        Layout.fillWidth: true
        flat: true
        text: qsTr("Import chat…")
        icon.source: "qrc:/resources/icons/folder.svg"
        onClicked: importDialog.open()
        Accessible.name: qsTr("Import a conversation from a JSON file")
    }

    Menu {
        id: convMenu
        MenuItem { text: qsTr("Rename…"); onTriggered: { renameField.text = root.menuTarget.title; renameDialog.open() } }
        MenuItem { text: qsTr("Export as Markdown…"); onTriggered: exportDialog.ask("md") }
        MenuItem { text: qsTr("Export as JSON…"); onTriggered: exportDialog.ask("json") }
        MenuSeparator {}
        MenuItem { text: qsTr("Delete…"); onTriggered: deleteDialog.open() }
    }

    Dialog {
        id: renameDialog
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Rename chat")
        standardButtons: Dialog.Ok | Dialog.Cancel
        TextField { id: renameField; width: 320; selectByMouse: true; Accessible.name: qsTr("New title") }
        onAccepted: Conversations.rename(root.menuTarget.id, renameField.text)
    }
    Dialog {
        id: deleteDialog
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Delete chat?")
        standardButtons: Dialog.Yes | Dialog.Cancel
        Label { text: qsTr("\"%1\" and all its messages will be deleted.").arg(root.menuTarget.title); wrapMode: Text.Wrap; width: 320 }
        onAccepted: Conversations.remove(root.menuTarget.id)
    }
    FileDialog {
        id: exportDialog
        property string format: "md"
        fileMode: FileDialog.SaveFile
        title: qsTr("Export chat")
        acceptLabel: qsTr("Save")
        defaultSuffix: format === "json" ? "json" : "md"
        nameFilters: format === "json" ? [qsTr("Tern chat export (*.json)")] : [qsTr("Markdown (*.md)")]
        // Starts on a file named after the chat, so Enter saves it at once.
        function ask(f) {
            format = f
            selectedFile = Conversations.suggestedExportFile(root.menuTarget.id, f)
            open()
        }
        onAccepted: Conversations.exportTo(root.menuTarget.id, selectedFile, format)
    }
    FileDialog {
        id: importDialog
        title: qsTr("Import chat")
        nameFilters: [qsTr("Tern chat export (*.json)")]
        onAccepted: Conversations.importFrom(selectedFile)
    }
}
