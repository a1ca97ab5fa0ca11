// A sidebar entry that switches the centre page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

ItemDelegate {
    property string iconName
    property int page  // a Navigation.Page
    Layout.fillWidth: true
    icon.source: "qrc:/resources/icons/" + iconName + ".svg"
    highlighted: Navigation.page === page
    focusPolicy: Qt.StrongFocus  // an ItemDelegate is left out of the Tab order by default
    onClicked: Navigation.page = page
    Accessible.name: text
    FocusRing {}
}
