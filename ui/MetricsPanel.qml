// The live profiler: rolling tokens/s, timings, memory, the answer's energy (estimated, and measured
// with RAPL where readable) and the comparison with FP16 (measured by a benchmark, else estimated).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Tern

Rectangle {
    id: panel
    color: Theme.surface
    readonly property var m: Metrics
    readonly property var est: Metrics.estimate
    readonly property var meas: Metrics.measured
    readonly property var cmp: Metrics.fp16
    readonly property bool cmpMeasured: cmp.mode === "measured"
    function side(name) { return cmp[name] || ({}) }

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
                Label { text: qsTr("Live profile"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text }
                Item { Layout.fillWidth: true }
                Rectangle {
                    visible: Conversations.generating
                    radius: 8; color: Theme.accent
                    implicitWidth: liveLabel.implicitWidth + 14; implicitHeight: 18
                    Label { id: liveLabel; anchors.centerIn: parent; text: qsTr("LIVE"); font.pixelSize: 10; font.weight: Font.Bold; color: Theme.surface }
                }
            }

            // Rolling decode speed.
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: 190
                radius: Theme.radius
                color: Theme.surfaceAlt
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
                    // ValuesAxis: Qt Charts' other name for QValueAxis (the same type). Its qmltypes
                    // lists QValueAxis twice, and qmllint 6.4 keeps only this name's entry, so
                    // under the name ValueAxis it cannot check the axis's properties at all.
                    ValuesAxis {
                        id: axisX
                        min: 0; max: 10
                        labelFormat: "%.0f s"
                        labelsColor: Theme.textMuted
                        gridLineColor: Theme.border
                        color: Theme.border
                        labelsFont.pixelSize: 10
                        tickCount: 6
                    }
                    ValuesAxis {
                        id: axisY
                        min: 0; max: 5
                        labelFormat: "%.0f"
                        labelsColor: Theme.textMuted
                        gridLineColor: Theme.border
                        color: Theme.border
                        labelsFont.pixelSize: 10
                        tickCount: 5
                    }
                    LineSeries {
                        id: series
                        axisX: axisX; axisY: axisY
                        color: Theme.accent
                        width: 2.5
                    }
                }
                Connections {
                    target: Metrics
                    function onSampleAdded(x, y) {
                        series.append(x, y)
                        axisX.max = Math.max(10, Math.ceil(x))
                        // Scale to the peak so slow CPUs and fast GPUs both fill the chart.
                        const top = Metrics.peakTokensPerSecond * 1.25
                        const step = top > 50 ? 10 : top > 20 ? 5 : 1
                        axisY.max = Math.max(5, Math.ceil(top / step) * step)
                    }
                    function onSeriesCleared() { series.clear(); axisX.max = 10; axisY.max = 5 }
                }
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2; columnSpacing: 8; rowSpacing: 8
                MetricTile { label: qsTr("Decode"); value: panel.m.tokensPerSecond.toFixed(1); unit: "tok/s"; big: true; objectName: "tpsTile" }
                MetricTile { label: qsTr("Time to first token"); value: panel.m.ttftMs > 0 ? Math.round(m.ttftMs) : "—"; unit: panel.m.ttftMs > 0 ? "ms" : "" ; big: true }
                MetricTile { label: qsTr("Prefill"); value: panel.m.prefillTps > 0 ? m.prefillTps.toFixed(0) : "—"; unit: panel.m.prefillTps > 0 ? "tok/s" : "" }
                MetricTile { label: qsTr("Tokens"); value: panel.m.generated; unit: panel.m.stopReason ? "· " + Format.stopReason(panel.m.stopReason) : "" }
                MetricTile { label: qsTr("Token latency p50"); value: panel.m.itlP50Ms > 0 ? m.itlP50Ms.toFixed(0) : "—"; unit: panel.m.itlP50Ms > 0 ? "ms" : "" }
                MetricTile { label: qsTr("Token latency p95"); value: panel.m.itlP95Ms > 0 ? m.itlP95Ms.toFixed(0) : "—"; unit: panel.m.itlP95Ms > 0 ? "ms" : "" }
            }

            // Energy of this answer: estimated for both precisions, measured where RAPL is readable.
            SectionLabel {
                text: qsTr("Energy")
                estimated: true
                tip: qsTr("Estimated with the engine's energy model: %1. Operation counts of this model at the current context (%2 tokens) plus the bytes each token reads (weights and KV cache).")
                         .arg(panel.est.source || "").arg(est.contextTokens || 0)
            }
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: energyCol.implicitHeight + 20
                radius: Theme.radius
                color: Theme.surfaceAlt
                ColumnLayout {
                    id: energyCol
                    anchors.fill: parent; anchors.margins: 10
                    spacing: 6
                    CompareRow { header: true; ours: qsTr("Ternary"); fp16: "FP16" }
                    CompareRow { objectName: "energyPerToken"; label: qsTr("Per token"); ours: panel.joules(panel.est.ternaryJPerToken); fp16: panel.joules(panel.est.fp16JPerToken) }
                    CompareRow { label: qsTr("This answer"); ours: panel.joules(panel.est.ternaryAnswerJ); fp16: panel.joules(panel.est.fp16AnswerJ) }
                    Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
                    RowLayout {
                        Layout.fillWidth: true
                        Label { text: qsTr("Measured (CPU package)"); color: Theme.textMuted; font.pixelSize: 12; Layout.fillWidth: true; elide: Text.ElideRight }
                        Label {
                            objectName: "raplValue"
                            text: !panel.meas.available ? qsTr("not readable")
                                  : meas.jPerToken > 0 ? qsTr("%1 / token").arg(panel.joules(meas.jPerToken)) : "—"
                            color: panel.meas.available ? Theme.accent : Theme.textMuted
                            font.pixelSize: 12; font.family: panel.meas.available ? Theme.mono : Application.font.family
                            HoverHandler { id: raplHover }
                            ToolTip.visible: raplHover.hovered
                            ToolTip.delay: 300
                            ToolTip.text: panel.meas.available
                                ? qsTr("Measured: CPU package energy from RAPL over this answer's decode (%1 tokens, %2), the whole package, not only Tern.")
                                      .arg(meas.tokens || 0).arg(panel.joules(meas.joules))
                                : qsTr("No measurement: %1").arg(meas.why || qsTr("RAPL energy counters are not readable"))
                            Accessible.name: qsTr("Measured energy per token: %1").arg(text)
                        }
                        Badge { text: qsTr("MEASURED"); tint: Theme.accent; visible: panel.meas.available }
                    }
                }
            }

            // Ternary against FP16: measured by a benchmark of this model file when there is one.
            SectionLabel {
                id: fp16Section
                objectName: "fp16Section"
                text: qsTr("vs. FP16, the same model")
                measured: panel.cmpMeasured
                badge: (panel.cmp.label || "").toUpperCase()
                tip: panel.cmpMeasured ? qsTr("Measured by the Benchmark page: %1 on %2, %3 threads, head %4.")
                                             .arg(panel.cmp.tgTest || "tg").arg(cmp.backend || "").arg(cmp.threads || 0).arg(cmp.head || "")
                                       : qsTr("Estimated from the model's shape: %1").arg(est.source || "")
            }
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: cmpCol.implicitHeight + 20
                radius: Theme.radius
                color: Theme.surfaceAlt
                readonly property color edge: panel.cmpMeasured ? Theme.accent : Theme.estimate
                border.color: Qt.rgba(edge.r, edge.g, edge.b, 0.35)
                ColumnLayout {
                    id: cmpCol
                    anchors.fill: parent; anchors.margins: 10
                    spacing: 6
                    Label {
                        objectName: "fp16Headline"
                        // A ratio below 1 (a tiny model whose float head dominates) is said the other way round.
                        function times(r, better, worse) {
                            return r >= 1 ? qsTr("%1× %2").arg(Number(r).toFixed(r >= 10 ? 0 : 1)).arg(better)
                                          : qsTr("%1× %2").arg(Number(1 / r).toFixed(1)).arg(worse)
                        }
                        text: panel.cmpMeasured
                              ? (panel.cmp.speedup > 0 ? qsTr("%1, %2").arg(times(cmp.speedup, qsTr("faster"), qsTr("slower")))
                                                                   .arg(times(cmp.memoryRatio, qsTr("less memory"), qsTr("more memory"))) : "—")
                              : (cmp.energyRatio > 0 ? qsTr("≈ %1, %2").arg(times(cmp.energyRatio, qsTr("less energy"), qsTr("more energy")))
                                                                          .arg(times(cmp.memoryRatio, qsTr("less memory"), qsTr("more memory"))) : "—")
                        font.pixelSize: 17; font.weight: Font.DemiBold
                        color: panel.cmpMeasured ? Theme.accent : Theme.estimate
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                    // "Same answers?": only where the model ships with an FP16 twin (the demo pair).
                    ColumnLayout {
                        id: twinBlock
                        objectName: "twinComparison"
                        readonly property var t: Metrics.twin
                        property bool expanded: false
                        visible: (t.state || "") !== ""
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            objectName: "twinSameAnswer"
                            text: twinBlock.t.summary || ""
                            font.pixelSize: 14; font.weight: Font.DemiBold
                            color: twinBlock.t.state === "done" ? (twinBlock.t.same ? Theme.accent : Theme.fp16) : Theme.textMuted
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                            HoverHandler { id: twinHover }
                            ToolTip.visible: twinHover.hovered && twinBlock.t.state === "done"
                            ToolTip.text: qsTr("This model: %1\nFP16 twin: %2").arg(twinBlock.t.ownAnswer || "").arg(twinBlock.t.twinAnswer || "")
                            Accessible.name: text
                        }
                        Label {
                            text: qsTr("Same question, greedy answers (temperature 0, at most 64 tokens) of this model and of its FP16 twin, a float model trained the same way; your answer above may have been sampled.")
                            color: Theme.textMuted; font.pixelSize: 11
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                        }
                        TButton {
                            objectName: "twinAnswersButton"
                            visible: twinBlock.t.state === "done"
                            flat: true
                            text: twinBlock.expanded ? qsTr("Hide the answers") : qsTr("Show both answers")
                            onClicked: twinBlock.expanded = !twinBlock.expanded
                        }
                        Label {
                            objectName: "twinAnswers"
                            visible: twinBlock.expanded && twinBlock.t.state === "done"
                            text: qsTr("This model: %1").arg(twinBlock.t.ownAnswer || "") + "\n" + qsTr("FP16 twin: %1").arg(twinBlock.t.twinAnswer || "")
                            color: Theme.text; font.pixelSize: 12
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                            textFormat: Text.PlainText
                        }
                    }
                    CompareRow { header: true; ours: qsTr("Ternary"); fp16: "FP16" }
                    // Measured: the stored benchmark's figures, both sides from the same run.
                    CompareRow {
                        visible: panel.cmpMeasured
                        label: qsTr("Decode")
                        ours: Number(panel.side("ternary").tgTps || 0).toFixed(1) + " tok/s"
                        fp16: Number(panel.side("fp16").tgTps || 0).toFixed(1) + " tok/s"
                    }
                    CompareRow {
                        visible: panel.cmpMeasured
                        label: qsTr("Peak memory")
                        ours: Format.bytes(panel.side("ternary").peakRssBytes || 0)
                        fp16: Format.bytes(panel.side("fp16").peakRssBytes || 0)
                    }
                    CompareRow {
                        visible: panel.cmpMeasured
                        label: qsTr("Energy / token, est.")
                        ours: panel.joules(panel.side("ternary").joulesEst)
                        fp16: panel.joules(panel.side("fp16").joulesEst)
                    }
                    CompareRow {
                        visible: panel.cmpMeasured && ((panel.side("ternary").joulesMeasured || -1) > 0 || (panel.side("fp16").joulesMeasured || -1) > 0)
                        label: qsTr("Energy / token, RAPL")
                        ours: panel.joules(panel.side("ternary").joulesMeasured)
                        fp16: panel.joules(panel.side("fp16").joulesMeasured)
                    }
                    // Estimated: from the model's shape.
                    CompareRow {
                        visible: !panel.cmpMeasured
                        label: qsTr("Weights")
                        ours: Format.bytes(panel.cmp.ternaryWeightBytes || 0)
                        fp16: Format.bytes(panel.cmp.fp16WeightBytes || 0)
                    }
                    CompareRow {
                        visible: !panel.cmpMeasured
                        label: qsTr("Bytes read / token")
                        ours: "1×"
                        fp16: Number(panel.cmp.bandwidthRatio || 0).toFixed(1) + "×"
                    }
                    Label {
                        text: panel.cmpMeasured
                              ? qsTr("Measured %1 by the Benchmark page (%2, decode). Energy per token is estimated unless RAPL was readable.").arg(panel.cmp.date || "").arg(cmp.tgTest || "tg")
                              : qsTr("Estimated, not measured: operation counts and bytes read per token with the engine's energy model. Measure the FP16 baseline on this machine for real figures.")
                        color: Theme.textMuted; font.pixelSize: 11
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                    TButton {
                        objectName: "measureFp16Button"
                        text: panel.cmpMeasured ? qsTr("Measure again") : qsTr("Measure FP16")
                        icon.source: "qrc:/resources/icons/gauge.svg"
                        flat: panel.cmpMeasured
                        enabled: !Conversations.generating && !Benchmarks.running
                        onClicked: if (Benchmarks.measureFp16()) Navigation.page = Navigation.Benchmark
                        Accessible.name: qsTr("Benchmark this model in ternary and FP16")
                    }
                }
            }

            SectionLabel { text: qsTr("Memory") }
            GridLayout {
                Layout.fillWidth: true
                columns: 2; columnSpacing: 8; rowSpacing: 8
                MetricTile { label: qsTr("Process RSS"); value: Format.bytes(panel.m.rssBytes) }
                MetricTile { label: qsTr("Model weights"); value: Format.bytes(panel.m.modelBytes) }
                MetricTile { objectName: "kvTile"; label: qsTr("KV cache"); value: Format.bytes(panel.m.kvUsedBytes) + " / " + Format.bytes(panel.m.kvBytes); unit: panel.m.kvType }
                MetricTile { objectName: "headTile"; label: qsTr("LM head"); value: panel.m.headType || "—"; unit: panel.m.headBytes > 0 ? Format.bytes(panel.m.headBytes) : "" }
                MetricTile { objectName: "deviceTile"; label: qsTr("Device"); value: panel.m.backend || "—"; unit: ModelSession.model.ternaryType || "" }
                MetricTile { objectName: "threadsTile"; label: qsTr("Threads"); value: ModelSession.model.threads > 0 ? String(ModelSession.model.threads) : "—" }
                MetricTile {
                    objectName: "chatTemplateTile"
                    label: qsTr("Chat template")
                    value: ModelSession.model.loaded ? ModelSession.model.chatTemplate : "—"
                    unit: ModelSession.model.loaded ? (ModelSession.model.chatTemplateChosen ? qsTr("chosen") : qsTr("the file's")) : ""
                }
            }

            Item { Layout.preferredHeight: 10 }
        }
    }
}
