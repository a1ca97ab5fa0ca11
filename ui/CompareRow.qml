// "label   ternary   fp16" line of a comparison box; `header` draws the column titles.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

RowLayout {
    id: root
    property string label
    property string ours
    property string fp16
    property bool header: false
    Layout.fillWidth: true
    Accessible.role: Accessible.StaticText
    Accessible.name: header ? "" : label + ": " + qsTr("ternary") + " " + ours + ", FP16 " + fp16
    Label { text: root.label; color: Theme.textMuted; font.pixelSize: 12; Layout.fillWidth: true; elide: Text.ElideRight }
    Label {
        text: root.ours; color: Theme.accent; font.pixelSize: root.header ? 11 : 12; font.weight: root.header ? Font.DemiBold : Font.Normal
        font.family: root.header ? Application.font.family : Theme.mono
        Layout.preferredWidth: 80; horizontalAlignment: Text.AlignRight
    }
    Label {
        text: root.fp16; color: root.header ? Theme.fp16 : Theme.textMuted; font.pixelSize: root.header ? 11 : 12; font.weight: root.header ? Font.DemiBold : Font.Normal
        font.family: root.header ? Application.font.family : Theme.mono
        Layout.preferredWidth: 80; horizontalAlignment: Text.AlignRight
    }
}
