// Model loading with progress and cancel.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Item {
    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 420)
        spacing: 14
        Label {
            text: qsTr("Loading model…")
            font.pixelSize: 20; font.weight: Font.DemiBold
            color: Theme.text
            Layout.alignment: Qt.AlignHCenter
        }
        ProgressBar {
            Layout.fillWidth: true
            from: 0; to: 1
            value: ModelSession.loadProgress
            Accessible.name: qsTr("Model loading progress")
        }
        Label {
            text: Math.round(ModelSession.loadProgress * 100) + " %"
            color: Theme.textMuted
            Layout.alignment: Qt.AlignHCenter
        }
        TButton {
            text: qsTr("Cancel")
            Layout.alignment: Qt.AlignHCenter
            onClicked: ModelSession.cancelLoad()
            Accessible.name: qsTr("Cancel loading the model")
        }
    }
}
