// The keyboard focus ring: drawn around its parent control while it has focus from the keyboard
// (Tab), not after a click. Material's own hint (a faint ripple) is hard to see, worst in dark.
import QtQuick
import QtQuick.Templates as T
import Tern

Rectangle {
    objectName: "focusRing"
    anchors.fill: parent
    anchors.margins: -1
    radius: 8
    color: "transparent"
    border.width: 2
    border.color: Theme.focusRing
    readonly property T.Control control: parent as T.Control
    visible: control !== null && control.visualFocus
    z: 10
}
