// A small section heading; `estimated` adds the badge that marks figures that are not measured.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    property alias text: title.text
    property bool estimated: false
    Layout.fillWidth: true
    Layout.topMargin: 4
    Label { id: title; color: theme.textMuted; font.pixelSize: 12; font.weight: Font.DemiBold; Layout.fillWidth: true; wrapMode: Text.Wrap }
    Rectangle {
        visible: estimated
        radius: 6
        color: Qt.rgba(theme.estimate.r, theme.estimate.g, theme.estimate.b, 0.15)
        implicitWidth: estLabel.implicitWidth + 12; implicitHeight: 18
        Label { id: estLabel; anchors.centerIn: parent; text: qsTr("ESTIMATED"); color: theme.estimate; font.pixelSize: 10; font.weight: Font.Bold }
    }
}
