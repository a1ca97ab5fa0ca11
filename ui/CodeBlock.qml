// A fenced code block in an answer: its language and a Copy button in a header, highlighted code
// below (wrapped, so long lines never need a sideways scroll inside the chat).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern 1.0

Rectangle {
    id: block
    objectName: "codeBlock"
    property string code            // raw, what Copy puts on the clipboard
    property string languageName    // for people: "Python", "Bash"; "" when the fence had no tag
    property string highlight       // the highlighter's language, "" for plain
    property bool closed: true
    property bool streaming: false  // the answer is still arriving into this block
    property bool copied: false

    implicitHeight: header.height + codeText.implicitHeight + 24
    radius: 8
    color: Theme.codeBackground
    border.color: Theme.border
    clip: true

    function copy() {
        Conversations.copyText(block.code)
        block.copied = true
        copiedTimer.restart()
    }

    Timer { id: copiedTimer; interval: 1600; onTriggered: block.copied = false }

    Rectangle {
        id: header
        x: 1; y: 1
        width: parent.width - 2
        height: 32
        color: Theme.codeHeader
        radius: 7
        // Square lower corners: only the block's top corners are round.
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: parent.radius; color: parent.color }
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12; anchors.rightMargin: 4
            spacing: 6
            Label {
                objectName: "codeLanguage"
                text: block.languageName || qsTr("Code")
                color: Theme.textMuted
                font.family: Theme.mono; font.pixelSize: 12
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            ToolButton {
                id: copyButton
                objectName: "copyCodeButton"
                text: block.copied ? qsTr("Copied") : qsTr("Copy")
                icon.source: block.copied ? "qrc:/resources/icons/check.svg" : "qrc:/resources/icons/copy.svg"
                icon.width: 14; icon.height: 14
                display: AbstractButton.TextBesideIcon
                font.pixelSize: 12
                font.capitalization: Font.MixedCase
                implicitHeight: 28
                topInset: 0; bottomInset: 0
                enabled: block.code.length > 0
                onClicked: block.copy()
                Accessible.name: block.languageName ? qsTr("Copy the %1 code").arg(block.languageName) : qsTr("Copy the code")
                ToolTip.visible: hovered && !block.copied
                ToolTip.text: qsTr("Copy the code to the clipboard")
            }
        }
    }

    TextEdit {
        id: codeText
        objectName: "codeText"
        anchors.top: header.bottom
        anchors.left: parent.left; anchors.right: parent.right
        anchors.margins: 12
        text: block.code + (block.streaming ? "▍" : "")
        textFormat: TextEdit.PlainText
        readOnly: true
        selectByMouse: true
        persistentSelection: false
        wrapMode: TextEdit.WrapAtWordBoundaryOrAnywhere
        // Code reads left to right whatever it contains (comments in Arabic, strings in Hebrew).
        horizontalAlignment: TextEdit.AlignLeft
        LayoutMirroring.enabled: false
        color: Theme.text
        selectionColor: Theme.accent
        selectedTextColor: Theme.surface
        font.family: Theme.mono
        font.pixelSize: 13
        Accessible.role: Accessible.StaticText
        Accessible.name: (block.languageName ? qsTr("%1 code: ").arg(block.languageName) : qsTr("Code: ")) + block.code
    }

    ParagraphLayout {
        textDocument: codeText.textDocument
        code: true
    }
    CodeHighlighter {
        textDocument: codeText.textDocument
        language: block.highlight
        dark: Theme.dark
    }
}
