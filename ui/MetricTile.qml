// One figure in the metrics panel.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    id: root
    property string label
    property var value
    property string unit
    property bool big: false
    Layout.fillWidth: true
    Layout.preferredWidth: 1
    implicitHeight: tileCol.implicitHeight + 16
    radius: Theme.radius
    color: Theme.surfaceAlt
    Accessible.role: Accessible.StaticText
    Accessible.name: label + ": " + value + " " + unit

    ColumnLayout {
        id: tileCol
        anchors.fill: parent; anchors.margins: 8
        spacing: 0
        Label { text: root.label; color: Theme.textMuted; font.pixelSize: 11; elide: Text.ElideRight; Layout.fillWidth: true }
        RowLayout {
            spacing: 4
            Label { text: String(root.value); color: Theme.text; font.pixelSize: root.big ? 22 : 14; font.weight: Font.DemiBold; elide: Text.ElideRight }
            Label { text: root.unit; color: Theme.textMuted; font.pixelSize: 11; Layout.alignment: Qt.AlignBaseline; visible: root.unit.length > 0 }
        }
    }
}
