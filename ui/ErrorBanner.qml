// A dismissable message for errors the user should read (bad file, failed load...).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    visible: Alerts.message.length > 0
    width: Math.min(parent.width - 48, 720)
    implicitHeight: row.implicitHeight + 20
    radius: Theme.radius
    color: Theme.dangerBackground
    border.color: Theme.danger
    Accessible.role: Accessible.AlertMessage
    Accessible.name: Alerts.message

    RowLayout {
        id: row
        anchors.fill: parent; anchors.margins: 10
        Label {
            Layout.fillWidth: true
            text: Alerts.message
            wrapMode: Text.Wrap
            color: Theme.text
        }
        TButton {
            text: qsTr("Dismiss")
            flat: true
            onClicked: Alerts.clear()
        }
    }
}
