// A small coloured tag ("OFFICIAL", "LOADED", "BENCHMARK").
import QtQuick
import QtQuick.Controls
import Tern

Rectangle {
    property alias text: label.text
    property color tint: Theme.accent
    radius: 6
    color: Qt.rgba(tint.r, tint.g, tint.b, 0.15)
    implicitWidth: label.implicitWidth + 12
    implicitHeight: 18
    Label { id: label; anchors.centerIn: parent; color: parent.tint; font.pixelSize: 10; font.weight: Font.Bold }
}
