// The live profiler: rolling tokens/s, timings, memory, and the FP16 comparison (estimated).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts

Rectangle {
    id: panel
    color: theme.surface
    readonly property var m: app.metrics
    readonly property var est: app.metrics.estimate

    function joules(j) {
        if (!j || j <= 0) return "—"
        if (j >= 1) return j.toFixed(2) + " J"
        if (j >= 1e-3) return (j * 1e3).toFixed(2) + " mJ"
        if (j >= 1e-6) return (j * 1e6).toFixed(2) + " µJ"
        return (j * 1e9).toFixed(2) + " nJ"
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: panel.width - 28
            x: 14
            spacing: 10

            Item { Layout.preferredHeight: 6 }
            RowLayout {
                Label { text: qsTr("Live profile"); font.pixelSize: 16; font.weight: Font.DemiBold; color: theme.text }
                Item { Layout.fillWidth: true }
                Rectangle {
                    visible: app.generating
                    radius: 8; color: theme.accent
                    implicitWidth: liveLabel.implicitWidth + 14; implicitHeight: 18
                    Label { id: liveLabel; anchors.centerIn: parent; text: qsTr("LIVE"); font.pixelSize: 10; font.weight: Font.Bold; color: theme.surface }
                }
            }

            // Rolling decode speed.
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: 190
                radius: theme.radius
                color: theme.surfaceAlt
                ChartView {
                    id: chart
                    anchors.fill: parent
                    anchors.margins: -8
                    antialiasing: true
                    legend.visible: false
                    backgroundColor: "transparent"
                    plotAreaColor: "transparent"
                    margins { left: 4; right: 8; top: 8; bottom: 4 }
                    Accessible.name: qsTr("Tokens per second over time")
                    ValueAxis {
                        id: axisX
                        min: 0; max: 10
                        labelFormat: "%.0f s"
                        labelsColor: theme.textMuted
                        gridLineColor: theme.border
                        color: theme.border
                        labelsFont.pixelSize: 10
                        tickCount: 6
                    }
                    ValueAxis {
                        id: axisY
                        min: 0; max: 5
                        labelFormat: "%.0f"
                        labelsColor: theme.textMuted
                        gridLineColor: theme.border
                        color: theme.border
                        labelsFont.pixelSize: 10
                        tickCount: 5
                    }
                    LineSeries {
                        id: series
                        axisX: axisX; axisY: axisY
                        color: theme.accent
                        width: 2.5
                    }
                }
                Connections {
                    target: app.metrics
                    function onSampleAdded(x, y) {
                        series.append(x, y)
                        axisX.max = Math.max(10, Math.ceil(x))
                        // Scale to the peak so slow CPUs and fast GPUs both fill the chart.
                        const top = app.metrics.peakTokensPerSecond * 1.25
                        const step = top > 50 ? 10 : top > 20 ? 5 : 1
                        axisY.max = Math.max(5, Math.ceil(top / step) * step)
                    }
                    function onSeriesCleared() { series.clear(); axisX.max = 10; axisY.max = 5 }
                }
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2; columnSpacing: 8; rowSpacing: 8
                MetricTile { label: qsTr("Decode"); value: m.tokensPerSecond.toFixed(1); unit: "tok/s"; big: true; objectName: "tpsTile" }
                MetricTile { label: qsTr("Time to first token"); value: m.ttftMs > 0 ? Math.round(m.ttftMs) : "—"; unit: m.ttftMs > 0 ? "ms" : "" ; big: true }
                MetricTile { label: qsTr("Prefill"); value: m.prefillTps > 0 ? m.prefillTps.toFixed(0) : "—"; unit: m.prefillTps > 0 ? "tok/s" : "" }
                MetricTile { label: qsTr("Tokens"); value: m.generated; unit: m.stopReason ? "· " + m.stopReason : "" }
                MetricTile { label: qsTr("Token latency p50"); value: m.itlP50Ms > 0 ? m.itlP50Ms.toFixed(0) : "—"; unit: m.itlP50Ms > 0 ? "ms" : "" }
                MetricTile { label: qsTr("Token latency p95"); value: m.itlP95Ms > 0 ? m.itlP95Ms.toFixed(0) : "—"; unit: m.itlP95Ms > 0 ? "ms" : "" }
            }

            SectionLabel { text: qsTr("Memory") }
            GridLayout {
                Layout.fillWidth: true
                columns: 2; columnSpacing: 8; rowSpacing: 8
                MetricTile { label: qsTr("Process RSS"); value: app.formatBytes(m.rssBytes) }
                MetricTile { label: qsTr("Model weights"); value: app.formatBytes(m.modelBytes) }
                MetricTile { label: qsTr("KV cache"); value: app.formatBytes(m.kvUsedBytes) + " / " + app.formatBytes(m.kvBytes) }
                MetricTile { label: qsTr("Device"); value: m.backend || "—"; unit: app.modelInfo.ternaryType || "" }
            }

            SectionLabel { text: qsTr("vs. an FP16 model of the same shape"); estimated: true }
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: cmp.implicitHeight + 20
                radius: theme.radius
                color: theme.surfaceAlt
                border.color: Qt.rgba(theme.estimate.r, theme.estimate.g, theme.estimate.b, 0.35)
                ColumnLayout {
                    id: cmp
                    anchors.fill: parent; anchors.margins: 10
                    spacing: 6
                    Label {
                        text: est.energyRatio ? qsTr("≈ %1× less energy, %2× less memory")
                                                    .arg(Number(est.energyRatio).toFixed(0))
                                                    .arg(Number(est.memoryRatio).toFixed(1)) : "—"
                        font.pixelSize: 17; font.weight: Font.DemiBold
                        color: theme.estimate
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                    CompareRow { label: qsTr("Energy / token"); ours: panel.joules(est.ternaryPjPerToken * 1e-12); fp16: panel.joules(est.fp16PjPerToken * 1e-12) }
                    CompareRow { label: qsTr("This answer"); ours: panel.joules(est.ternaryAnswerJ); fp16: panel.joules(est.fp16AnswerJ) }
                    CompareRow { label: qsTr("Weights"); ours: app.formatBytes(est.ternaryWeightBytes || 0); fp16: app.formatBytes(est.fp16WeightBytes || 0) }
                    CompareRow { label: qsTr("Bytes read / token"); ours: "1×"; fp16: (Number(est.bandwidthRatio || 0)).toFixed(1) + "×" }
                    Label {
                        text: qsTr("Estimated: matrix arithmetic only, 7 nm figures from the BitNet b1.58 paper (INT8 add 0.007 pJ; FP16 add 0.16 pJ + mul 0.34 pJ). Not a measurement.")
                        color: theme.textMuted; font.pixelSize: 11
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                }
            }
            Item { Layout.preferredHeight: 10 }
        }
    }
}
