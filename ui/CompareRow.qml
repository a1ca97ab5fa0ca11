// "label   ternary   fp16" line of the comparison box.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    property string label
    property string ours
    property string fp16
    Layout.fillWidth: true
    Label { text: label; color: theme.textMuted; font.pixelSize: 12; Layout.fillWidth: true }
    Label { text: ours; color: theme.accent; font.pixelSize: 12; font.family: theme.mono; Layout.preferredWidth: 78; horizontalAlignment: Text.AlignRight }
    Label { text: fp16; color: theme.textMuted; font.pixelSize: 12; font.family: theme.mono; Layout.preferredWidth: 78; horizontalAlignment: Text.AlignRight }
}
