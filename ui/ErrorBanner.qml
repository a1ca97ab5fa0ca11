// A dismissable message for errors the user should read (bad file, failed load...).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    visible: app.lastError.length > 0
    width: Math.min(parent.width - 48, 720)
    implicitHeight: row.implicitHeight + 20
    radius: theme.radius
    color: window.dark ? "#3b1d1d" : "#fde8e8"
    border.color: theme.danger
    Accessible.role: Accessible.AlertMessage
    Accessible.name: app.lastError

    RowLayout {
        id: row
        anchors.fill: parent; anchors.margins: 10
        Label {
            Layout.fillWidth: true
            text: app.lastError
            wrapMode: Text.Wrap
            color: theme.text
        }
        TButton {
            text: qsTr("Dismiss")
            flat: true
            onClicked: app.clearError()
        }
    }
}
