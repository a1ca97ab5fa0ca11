// One bar chart of the Benchmark page: ternary against FP16 for a few categories of one quantity.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Tern

Rectangle {
    id: card
    property string title
    property string unit
    property var categories: []
    property var ternary: []    // one value per category; 0 = not available
    property var fp16: []
    property string note        // under the chart: measured / estimated, what is missing
    property color noteColor: Theme.textMuted
    readonly property real peak: Math.max(1e-12, Math.max.apply(null, ternary.concat(fp16)))
    // Round ticks from 0 past the tallest bar (RunComparison.niceAxis), numbered on the axis.
    readonly property var ticks: runComparison.axis(0, peak, 5)
    RunComparison { id: runComparison }

    function fmt(v) {
        if (!(v > 0)) return "—"
        return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2)
    }

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitHeight: col.implicitHeight + 20

    ColumnLayout {
        id: col
        anchors.fill: parent
        anchors.margins: 10
        spacing: 4
        Label {
            text: card.title
            color: Theme.text; font.pixelSize: 13; font.weight: Font.DemiBold
            elide: Text.ElideRight; Layout.fillWidth: true
        }
        Label {
            text: card.unit
            color: Theme.textMuted; font.pixelSize: 11
            elide: Text.ElideRight; Layout.fillWidth: true
        }
        ChartView {
            Layout.fillWidth: true
            Layout.preferredHeight: 170
            Layout.leftMargin: -8; Layout.rightMargin: -14
            antialiasing: true
            backgroundColor: "transparent"
            plotAreaColor: "transparent"
            legend.visible: false
            margins { left: 0; right: 0; top: 4; bottom: 0 }
            animationOptions: ChartView.NoAnimation
            Accessible.name: card.title
            BarSeries {
                barWidth: 0.7
                axisX: BarCategoryAxis {
                    categories: card.categories
                    labelsColor: Theme.textMuted
                    labelsFont.pixelSize: 10
                    truncateLabels: false
                    gridVisible: false
                    color: Theme.border
                }
                axisY: ValuesAxis {
                    min: card.ticks.min
                    max: card.ticks.max
                    tickCount: card.ticks.tickCount
                    labelFormat: "%." + card.ticks.decimals + "f"
                    labelsColor: Theme.textMuted
                    labelsFont.pixelSize: 10
                    titleText: card.unit
                    // qmllint disable type
                    titleBrush: Theme.textMuted  // QBrush: Qt 6.4 ships no qmltypes entry for it, so qmllint cannot type this
                    // qmllint enable type
                    titleFont.pixelSize: 10
                    gridLineColor: Theme.border
                    color: Theme.border
                }
                BarSet { label: qsTr("Ternary"); values: card.ternary; color: Theme.accent; borderColor: Theme.accent }
                BarSet { label: "FP16"; values: card.fp16; color: Theme.fp16; borderColor: Theme.fp16 }
            }
        }
        // The figures themselves, per category: ternary · FP16.
        Repeater {
            model: card.categories
            RowLayout {
                id: legendRow
                required property int index
                required property string modelData
                Layout.fillWidth: true
                spacing: 6
                Label { text: legendRow.modelData; color: Theme.textMuted; font.pixelSize: 11; Layout.fillWidth: true; elide: Text.ElideRight }
                Rectangle { width: 8; height: 8; radius: 2; color: Theme.accent }
                Label { text: card.fmt(card.ternary[legendRow.index]); color: Theme.text; font.pixelSize: 11; font.family: Theme.mono }
                Rectangle { width: 8; height: 8; radius: 2; color: Theme.fp16; Layout.leftMargin: 4 }
                Label { text: card.fmt(card.fp16[legendRow.index]); color: Theme.text; font.pixelSize: 11; font.family: Theme.mono }
            }
        }
        Label {
            visible: card.note.length > 0
            text: card.note
            color: card.noteColor; font.pixelSize: 11
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
    }
}
