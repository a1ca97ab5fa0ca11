// One option on the welcome page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    id: card
    property string title
    property string body
    property string iconName
    property string actionText
    property bool busy: false
    property bool highlighted: false
    signal activated()

    Layout.fillWidth: true
    Layout.fillHeight: true
    Layout.preferredHeight: cardCol.implicitHeight + 36
    radius: Theme.radius + 4
    color: Theme.surface
    border.color: highlighted ? Theme.accent : Theme.border
    border.width: highlighted ? 2 : 1

    ColumnLayout {
        id: cardCol
        anchors.fill: parent; anchors.margins: 18
        spacing: 10
        Image {
            source: "qrc:/resources/icons/" + card.iconName + ".svg"
            sourceSize.width: 28; sourceSize.height: 28
            Accessible.ignored: true
        }
        Label {
            text: card.title
            font.pixelSize: 16; font.weight: Font.DemiBold
            color: Theme.text
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        Label {
            text: card.body
            color: Theme.textMuted
            wrapMode: Text.Wrap; Layout.fillWidth: true; Layout.fillHeight: true
            Layout.minimumHeight: implicitHeight
            verticalAlignment: Text.AlignTop
        }
        TButton {
            objectName: "cardAction"
            text: card.actionText
            primary: card.highlighted
            enabled: !card.busy
            onClicked: card.activated()
            Accessible.name: card.title
            Accessible.description: card.body
        }
    }
}
