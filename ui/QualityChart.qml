// The Benchmark page's quality chart: one bar per model that ran (ternary, the FP16 baseline, the
// FP16 twin), the perplexity of the same held-out text, on an axis with its numbers.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Tern

Rectangle {
    id: card
    objectName: "qualityChart"
    property string textName     // the scored text's file name
    property int scoredTokens
    // [{label, value, color}], one per model that ran, in that order.
    property var bars: []
    readonly property real peak: Math.max(1, Math.max.apply(null, bars.map(b => b.value)))
    readonly property var ticks: runComparison.axis(0, peak, 6)
    RunComparison { id: runComparison }

    function fmt(v) { return v.toFixed(v >= 10 ? 1 : 2) }
    function rebuild() {
        series.clear()
        for (const b of bars) {
            const set = series.append(b.label, [b.value])
            set.color = b.color
            set.borderColor = b.color
        }
    }
    onBarsChanged: rebuild()
    Component.onCompleted: rebuild()

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
            text: qsTr("Quality: perplexity on %1").arg(card.textName)
            color: Theme.text; font.pixelSize: 13; font.weight: Font.DemiBold
            elide: Text.ElideRight; Layout.fillWidth: true
        }
        Label {
            text: qsTr("Lower is better: how surprised each model is by text it was not trained on (%1 tokens scored, the same for each).")
                      .arg(card.scoredTokens.toLocaleString(Qt.locale(), "f", 0))
            color: Theme.textMuted; font.pixelSize: 11
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        ChartView {
            Layout.fillWidth: true
            Layout.preferredHeight: 190
            antialiasing: true
            backgroundColor: "transparent"
            plotAreaColor: "transparent"
            legend.visible: false  // the rows below name each bar
            margins { left: 0; right: 0; top: 4; bottom: 0 }
            animationOptions: ChartView.NoAnimation
            Accessible.name: qsTr("Perplexity per model")
            BarSeries {
                id: series
                objectName: "qualityBars"
                barWidth: 0.8
                labelsVisible: true
                labelsFormat: "@value"
                labelsPrecision: 4
                axisX: BarCategoryAxis {
                    categories: [qsTr("perplexity")]
                    labelsColor: Theme.textMuted
                    labelsFont.pixelSize: 10
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
                    titleText: qsTr("perplexity (lower is better)")
                    // qmllint disable type
                    titleBrush: Theme.textMuted  // QBrush: Qt 6.4 ships no qmltypes entry for it, so qmllint cannot type this
                    // qmllint enable type
                    titleFont.pixelSize: 10
                    gridLineColor: Theme.border
                    color: Theme.border
                }
            }
        }
        // The figures themselves.
        Repeater {
            model: card.bars
            RowLayout {
                id: legendRow
                required property var modelData
                Layout.fillWidth: true
                spacing: 6
                Rectangle { width: 8; height: 8; radius: 2; color: legendRow.modelData.color }
                Label { text: legendRow.modelData.label; color: Theme.textMuted; font.pixelSize: 11; Layout.fillWidth: true; elide: Text.ElideRight }
                Label { text: card.fmt(legendRow.modelData.value); color: Theme.text; font.pixelSize: 11; font.family: Theme.mono }
            }
        }
    }
}
