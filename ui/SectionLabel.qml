// A small section heading with an optional badge that says where its figures come from:
// `estimated` gives the ESTIMATED badge; `badge` any text (e.g. "MEASURED 2026-01-02"), drawn in
// the measured colour when `measured` is set. `tip` is shown when the heading is hovered.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

RowLayout {
    id: section
    property alias text: title.text
    property bool estimated: false
    property bool measured: false
    property string badge: estimated ? qsTr("ESTIMATED") : ""
    property string tip: ""
    readonly property color badgeColor: measured ? Theme.accent : Theme.estimate
    Layout.fillWidth: true
    Layout.topMargin: 4
    Label { id: title; color: Theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold; Layout.fillWidth: true; wrapMode: Text.Wrap }
    Rectangle {
        visible: section.badge.length > 0
        radius: 6
        color: Qt.rgba(section.badgeColor.r, section.badgeColor.g, section.badgeColor.b, 0.15)
        implicitWidth: estLabel.implicitWidth + 12; implicitHeight: 18
        Label { id: estLabel; anchors.centerIn: parent; text: section.badge; color: section.badgeColor; font.pixelSize: 10; font.weight: Font.Bold }
        Accessible.role: Accessible.StaticText
        Accessible.name: section.badge
    }
    HoverHandler { id: hover; enabled: section.tip.length > 0 }
    ToolTip.visible: hover.hovered && section.tip.length > 0
    ToolTip.text: section.tip
    ToolTip.delay: 400
}
