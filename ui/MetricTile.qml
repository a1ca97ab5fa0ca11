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
            id: valueRow
            Layout.fillWidth: true
            spacing: 4
            // The value gives way first (elided to what the unit leaves); the unit keeps its width
            // unless it alone is wider than the tile.
            Label {
                id: valueText
                text: String(root.value); color: Theme.text; font.pixelSize: root.big ? 22 : 14; font.weight: Font.DemiBold
                elide: Text.ElideRight
                // Its text's width, less what the unit needs when both do not fit the tile (from the
                // tile's width, which the grid sets: the row's own width follows its content).
                Layout.preferredWidth: Math.max(0, Math.min(implicitWidth, root.width - 16 - (unitText.visible ? unitText.implicitWidth + valueRow.spacing : 0)))
            }
            Label {
                id: unitText
                text: root.unit; color: Theme.textMuted; font.pixelSize: 11; Layout.alignment: Qt.AlignBaseline; visible: root.unit.length > 0
                elide: Text.ElideRight
                Layout.preferredWidth: Math.min(implicitWidth, root.width - 16)
            }
            Item { Layout.fillWidth: true }
        }
    }
}
