// A sidebar entry that switches the centre page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    property string iconName
    property string page
    Layout.fillWidth: true
    icon.source: "qrc:/resources/icons/" + iconName + ".svg"
    highlighted: window.currentPage === page
    onClicked: window.currentPage = page
    Accessible.name: text
}
