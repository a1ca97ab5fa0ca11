// The keyboard focus ring: drawn around its parent control or text field while it has the focus
// from the keyboard (Tab, Shift+Tab, a shortcut), not after a click. Material's own hints (a faint
// ripple, a slightly thicker line under a field) are hard to see, worst in dark. Buttons carry a
// ring of their own; Main.qml moves one more into whichever other control has the focus.
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
    readonly property T.TextField field: parent as T.TextField
    readonly property T.TextArea area: parent as T.TextArea
    function fromKeyboard(reason: int): bool {
        return reason === Qt.TabFocusReason || reason === Qt.BacktabFocusReason || reason === Qt.ShortcutFocusReason
    }
    visible: control !== null ? control.visualFocus
           : field !== null ? field.activeFocus && fromKeyboard(field.focusReason)
           : area !== null && area.activeFocus && fromKeyboard(area.focusReason)
    z: 10
}
