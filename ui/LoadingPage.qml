// Model loading with progress and cancel.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 420)
        spacing: 14
        Label {
            text: qsTr("Loading model…")
            font.pixelSize: 20; font.weight: Font.DemiBold
            color: theme.text
            Layout.alignment: Qt.AlignHCenter
        }
        ProgressBar {
            Layout.fillWidth: true
            from: 0; to: 1
            value: app.loadProgress
            Accessible.name: qsTr("Model loading progress")
        }
        Label {
            text: Math.round(app.loadProgress * 100) + " %"
            color: theme.textMuted
            Layout.alignment: Qt.AlignHCenter
        }
        TButton {
            text: qsTr("Cancel")
            Layout.alignment: Qt.AlignHCenter
            onClicked: app.cancelLoad()
            Accessible.name: qsTr("Cancel loading the model")
        }
    }
}
