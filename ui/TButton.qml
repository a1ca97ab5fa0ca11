// Tern's button: flat and drawn by us, so it looks the same with every scene-graph backend
// (Material's elevation shadow needs shaders, which offscreen/software rendering lacks).
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl
import Tern

Button {
    id: b
    property bool primary: false
    padding: 8
    leftPadding: 14
    rightPadding: 14
    topInset: 0
    bottomInset: 0
    font.capitalization: Font.MixedCase
    font.weight: Font.DemiBold
    icon.width: 18
    icon.height: 18
    hoverEnabled: true

    readonly property color fg: primary ? (Theme.dark ? "#062b27" : "#ffffff") : Theme.text

    contentItem: IconLabel {
        spacing: 8
        mirrored: b.mirrored
        display: b.display
        icon: b.icon
        text: b.text
        font: b.font
        color: b.fg
        opacity: b.enabled ? 1 : 0.5
    }
    background: Rectangle {
        implicitWidth: 64
        implicitHeight: 38
        radius: 8
        color: b.primary ? (b.down ? Qt.darker(Theme.accent, 1.2) : b.hovered ? Qt.lighter(Theme.accent, 1.08) : Theme.accent)
                         : (b.down ? Theme.border : b.hovered ? Theme.surfaceAlt : "transparent")
        border.width: b.primary || b.flat ? 0 : 1
        border.color: Theme.border
        opacity: b.enabled ? 1 : 0.5
    }
    FocusRing {}
}
