// One figure in the metrics panel. Every line is elided to the tile's width (the KV-cache and
// Device figures ran over the tile beside them); the whole figure is in the tooltip then.
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
    readonly property string fullText: label + ": " + String(value) + (unit.length > 0 ? " " + unit : "")
    readonly property bool truncated: labelText.truncated || valueText.truncated || unitText.truncated
    Layout.fillWidth: true
    Layout.preferredWidth: 1
    implicitHeight: tileCol.implicitHeight + 16
    radius: Theme.radius
    color: Theme.surfaceAlt
    Accessible.role: Accessible.StaticText
    Accessible.name: fullText

    HoverHandler { id: hover }
    ToolTip.visible: hover.hovered && root.truncated
    ToolTip.delay: 300
    ToolTip.text: fullText

    ColumnLayout {
        id: tileCol
        anchors.fill: parent; anchors.margins: 8
        spacing: 0
        Label { id: labelText; text: root.label; color: Theme.textMuted; font.pixelSize: 11; elide: Text.ElideRight; Layout.fillWidth: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 4
            // The value takes what it needs and gives way first; the unit keeps its natural width
            // unless the tile is narrower than the unit alone.
            Label {
                id: valueText
                text: String(root.value); color: Theme.text; font.pixelSize: root.big ? 22 : 14; font.weight: Font.DemiBold
                elide: Text.ElideRight
                Layout.fillWidth: true
                Layout.maximumWidth: implicitWidth
            }
            Label {
                id: unitText
                text: root.unit; color: Theme.textMuted; font.pixelSize: 11; Layout.alignment: Qt.AlignBaseline; visible: root.unit.length > 0
                elide: Text.ElideRight
                Layout.maximumWidth: implicitWidth
                Layout.fillWidth: true
            }
            Item { Layout.fillWidth: true }  // keeps the unit beside the value when there is room
        }
    }
}
