// One chart of a sweep (an entry of RunComparison's sweep().charts): a line per series over the
// swept value, and on decode charts each series' bandwidth roof dashed in its colour, on axes with
// round ticks and their units. The same data ChartSvg writes as SVG.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Tern

Rectangle {
    id: card
    objectName: "sweepChart"
    property var chart: ({})
    readonly property var series: chart.series || []
    readonly property var xTicks: chart.x || ({ min: 0, max: 1, tickCount: 2, decimals: 0 })
    readonly property var yTicks: chart.y || ({ min: 0, max: 1, tickCount: 2, decimals: 0 })
    // The ChartView, for the PNG export and the tests.
    readonly property alias view: chartView

    function rebuild() {
        chartView.removeAllSeries()
        for (let i = 0; i < series.length; ++i) {
            const s = series[i]
            const c = runComparison.seriesColor(i, Theme.dark)
            const line = chartView.createSeries(ChartView.SeriesTypeLine, s.name, xAxis, yAxis)
            line.color = c
            line.width = 2.5
            line.pointsVisible = true
            for (const p of s.points) line.append(p.x, p.y)
            if (s.roof.length > 0) {
                const roof = chartView.createSeries(ChartView.SeriesTypeLine, qsTr("%1 roof").arg(s.name), xAxis, yAxis)
                roof.color = c
                roof.width = 1.5
                roof.style = Qt.DashLine
                for (const p of s.roof) roof.append(p.x, p.y)
            }
        }
    }
    onChartChanged: rebuild()
    Component.onCompleted: rebuild()
    Connections { target: Theme; function onDarkChanged() { card.rebuild() } }

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitHeight: col.implicitHeight + 20

    RunComparison { id: runComparison }

    ColumnLayout {
        id: col
        anchors.fill: parent
        anchors.margins: 10
        spacing: 2
        Label {
            text: card.chart.title || ""
            color: Theme.text; font.pixelSize: 13; font.weight: Font.DemiBold
            elide: Text.ElideRight; Layout.fillWidth: true
        }
        // Two lines high whatever the width: a height that followed the wrapping made the page's
        // nested layouts go round again (a polish loop).
        Label {
            visible: card.chart.kind === "decode"
            text: qsTr("Dashed: the roof, the read bandwidth measured on this machine divided by the bytes each token reads.")
            color: Theme.textMuted; font.pixelSize: 11
            wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.preferredHeight: Math.ceil(noteMetrics.height * 2)
            FontMetrics { id: noteMetrics; font.pixelSize: 11 }
        }
        ChartView {
            id: chartView
            objectName: "sweepChartView"
            Layout.fillWidth: true
            Layout.preferredHeight: 300
            antialiasing: true
            backgroundColor: "transparent"
            plotAreaColor: "transparent"
            legend.visible: true
            legend.alignment: Qt.AlignBottom
            legend.labelColor: Theme.text
            legend.font.pixelSize: 11
            margins { left: 0; right: 0; top: 4; bottom: 0 }
            animationOptions: ChartView.NoAnimation
            Accessible.name: card.chart.title || qsTr("Sweep chart")
            ValuesAxis {
                id: xAxis
                objectName: "sweepXAxis"
                min: card.xTicks.min
                max: card.xTicks.max
                tickCount: Math.max(2, card.xTicks.tickCount || 2)
                labelFormat: "%." + (card.xTicks.decimals || 0) + "f"
                titleText: card.chart.xTitle || ""
                // qmllint disable type
                titleBrush: Theme.text  // QBrush: Qt 6.4 ships no qmltypes entry for it, so qmllint cannot type this
                // qmllint enable type
                titleFont.pixelSize: 11
                labelsColor: Theme.textMuted
                labelsFont.pixelSize: 10
                gridLineColor: Theme.border
                color: Theme.textMuted
            }
            ValuesAxis {
                id: yAxis
                objectName: "sweepYAxis"
                min: card.yTicks.min
                max: card.yTicks.max
                tickCount: Math.max(2, card.yTicks.tickCount || 2)
                labelFormat: "%." + (card.yTicks.decimals || 0) + "f"
                titleText: card.chart.yTitle || ""
                // qmllint disable type
                titleBrush: Theme.text  // QBrush: Qt 6.4 ships no qmltypes entry for it, so qmllint cannot type this
                // qmllint enable type
                titleFont.pixelSize: 11
                labelsColor: Theme.textMuted
                labelsFont.pixelSize: 10
                gridLineColor: Theme.border
                color: Theme.textMuted
            }
        }
    }
}
