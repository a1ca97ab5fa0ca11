// The machine the Benchmark page measures on, as every run stores it: CPU and the kernels' ISA,
// cores, measured read bandwidth (the roof lines' numerator), GPUs and RAPL.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    id: card
    objectName: "machineSummary"
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitHeight: row.implicitHeight + 20
    readonly property var machine: Benchmarks.machine
    RowLayout {
        id: row
        anchors.fill: parent; anchors.margins: 10
        spacing: 12
        Label { text: qsTr("This machine"); color: Theme.text; font.weight: Font.DemiBold; Layout.alignment: Qt.AlignTop }
        Label {
            objectName: "machineSummaryText"
            text: Benchmarks.machineSummary.length === 0 ? qsTr("Describing this machine…")
                  : Benchmarks.machineSummary
                    + ((card.machine.readBandwidth || 0) > 0 ? "" : " · " + qsTr("read bandwidth not measured yet (the roof lines need it)"))
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        TButton {
            objectName: "measureBandwidthButton"
            text: Benchmarks.measuringMachine ? qsTr("Measuring…") : qsTr("Measure bandwidth")
            flat: true
            enabled: !Benchmarks.measuringMachine && !Benchmarks.running
            onClicked: Benchmarks.measureMachine()
            Accessible.name: qsTr("Measure this machine's memory read bandwidth")
        }
    }
}
