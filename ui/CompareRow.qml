// "label   ternary   fp16" line of a comparison box; `header` draws the column titles.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    property string label
    property string ours
    property string fp16
    property bool header: false
    Layout.fillWidth: true
    Accessible.role: Accessible.StaticText
    Accessible.name: header ? "" : label + ": " + qsTr("ternary") + " " + ours + ", FP16 " + fp16
    Label { text: label; color: theme.textMuted; font.pixelSize: 12; Layout.fillWidth: true; elide: Text.ElideRight }
    Label {
        text: ours; color: theme.accent; font.pixelSize: header ? 11 : 12; font.weight: header ? Font.DemiBold : Font.Normal
        font.family: header ? Qt.application.font.family : theme.mono
        Layout.preferredWidth: 80; horizontalAlignment: Text.AlignRight
    }
    Label {
        text: fp16; color: header ? theme.fp16 : theme.textMuted; font.pixelSize: header ? 11 : 12; font.weight: header ? Font.DemiBold : Font.Normal
        font.family: header ? Qt.application.font.family : theme.mono
        Layout.preferredWidth: 80; horizontalAlignment: Text.AlignRight
    }
}
