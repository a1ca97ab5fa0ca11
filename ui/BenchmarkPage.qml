// Benchmark: run tern::bench on a model in the ternary kernels and the FP16 baseline, compare
// them in charts, and keep (and export) the history of every run.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

ScrollView {
    id: page
    objectName: "benchmarkPage"
    contentWidth: availableWidth
    readonly property var history: Benchmarks.history
    // The run the charts show: the one picked in the history, else the latest.
    property string selectedBatch: ""
    readonly property string shownBatch: selectedBatch || history.latestBatch
    property var cmp: ({})
    // 0: run one benchmark, 1: compare runs, 2: sweeps.
    property int view: 0
    readonly property bool runView: view === 0
    // The text the quality test scores: one the user chose, else the model's own held-out text.
    property string pickedText: ""
    readonly property string qualityText: pickedText || Benchmarks.heldOutTextFor(modelBox.currentValue || "")
    function refreshComparison() { cmp = history.comparison(shownBatch) }
    onShownBatchChanged: refreshComparison()
    Connections { target: page.history; function onCountChanged() { page.refreshComparison() } }
    Component.onCompleted: refreshComparison()

    function joulesUnit(values) {
        const top = Math.max.apply(null, values.concat([0]))
        if (top >= 1) return { scale: 1, unit: "J" }
        if (top >= 1e-3) return { scale: 1e3, unit: "mJ" }
        if (top >= 1e-6) return { scale: 1e6, unit: "µJ" }
        return { scale: 1e9, unit: "nJ" }
    }
    function side(name) { return cmp[name] || ({}) }
    function energyText(j) {
        if (!(j > 0)) return "—"
        const u = joulesUnit([j])
        return (j * u.scale).toPrecision(3) + " " + u.unit
    }
    function dateOf(iso) {
        const d = new Date(iso)
        return isNaN(d) ? iso : d.toLocaleString(Qt.locale(), "yyyy-MM-dd HH:mm")
    }

    Dialog {
        id: clearDialog
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Clear the benchmark history?")
        standardButtons: Dialog.Yes | Dialog.Cancel
        Label { width: 360; wrapMode: Text.Wrap; text: qsTr("All %1 stored results are deleted. Export them to CSV first if you want to keep them.").arg(page.history.count) }
        onAccepted: { page.selectedBatch = ""; Benchmarks.clearHistory() }
    }

    ColumnLayout {
        id: content
        width: Math.min(page.availableWidth - 64, 1100)
        x: 32
        spacing: 12

        Item { Layout.preferredHeight: 16 }
        Label { text: qsTr("Benchmark"); font.pixelSize: 24; font.weight: Font.DemiBold; color: Theme.text }
        Label {
            text: qsTr("Measures prompt processing (pp) and generation (tg) speed of a model with its ternary weights and with the FP16 baseline: the same weights expanded to 16-bit floats, run the way a float model runs. Each test runs %1 after a warm-up; the model is loaded afresh for each precision. With a held-out text, each model's perplexity on it shows what the precision costs in quality.").arg(Format.times(repsBox.value))
            color: Theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        MachineSummary { Layout.fillWidth: true }
        TabBar {
            id: viewTabs
            objectName: "benchViewTabs"
            Layout.fillWidth: true
            Layout.maximumWidth: 520
            currentIndex: page.view
            onCurrentIndexChanged: page.view = currentIndex
            TabButton { text: qsTr("Run"); objectName: "benchRunTab" }
            TabButton { text: qsTr("Compare runs"); objectName: "benchCompareTab" }
            TabButton { text: qsTr("Sweeps"); objectName: "benchSweepTab" }
        }
        CompareView { visible: page.view === 1; Layout.fillWidth: true }
        SweepView { visible: page.view === 2; Layout.fillWidth: true }

        // What to run.
        Rectangle {
            visible: page.runView
            Layout.fillWidth: true
            implicitHeight: runCol.implicitHeight + 28
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            ColumnLayout {
                id: runCol
                anchors.fill: parent; anchors.margins: 14
                spacing: 10
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Label { text: qsTr("Model"); color: Theme.text; Layout.preferredWidth: 120 }
                    ComboBox {
                        id: modelBox
                        objectName: "benchModelBox"
                        Layout.fillWidth: true
                        Layout.maximumWidth: 520
                        Layout.minimumWidth: 160
                        model: Library
                        textRole: "name"
                        valueRole: "path"
                        displayText: count === 0 ? qsTr("No models in the library yet") : currentText
                        enabled: !Benchmarks.running
                        // Follows the chat's model until the user picks another one here.
                        property bool picked: false
                        function followLoaded() {
                            if (picked) return
                            const i = indexOfValue(ModelSession.model.path || "")
                            if (i >= 0) currentIndex = i
                        }
                        // "Measure FP16" in the metrics panel: this model, both precisions.
                        function takeTarget() {
                            if (!Benchmarks.target) return
                            const i = indexOfValue(Benchmarks.target)
                            if (i < 0) return  // not listed yet; tried again when the library changes
                            currentIndex = i
                            picked = true
                            ternaryBox.checked = true
                            fp16Box.checked = true
                            Benchmarks.clearTarget()
                        }
                        onActivated: picked = true
                        onCountChanged: { takeTarget(); followLoaded() }
                        Connections { target: ModelSession; function onModelChanged() { modelBox.followLoaded() } }
                        Connections { target: Benchmarks; function onChanged() { modelBox.takeTarget() } }
                        Component.onCompleted: { takeTarget(); followLoaded() }
                        Accessible.name: qsTr("Model to benchmark")
                    }
                    TButton {
                        visible: Library.count === 0
                        text: qsTr("Get a model…")
                        onClicked: Navigation.page = Navigation.Models
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Label { text: qsTr("Precisions"); color: Theme.text; Layout.preferredWidth: 120 }
                    CheckBox { id: ternaryBox; text: qsTr("Ternary"); checked: true; enabled: !Benchmarks.running }
                    CheckBox { id: fp16Box; text: qsTr("FP16 baseline"); checked: true; enabled: !Benchmarks.running }
                    CheckBox {
                        id: twinBox
                        objectName: "benchTwinBox"
                        // Only a model that ships with a separately trained FP16 model (the demo pair).
                        readonly property string twin: Benchmarks.twinFor(modelBox.currentValue || "")
                        visible: twin.length > 0
                        text: qsTr("FP16 twin")
                        checked: true
                        enabled: !Benchmarks.running
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("%1: the same size, data and training steps with ordinary float weights").arg(twin.split("/").pop())
                    }
                    Label {
                        objectName: "fp16MemoryHint"
                        // From the chosen file: the projections grow 8×, the embedding and head do not.
                        readonly property real ratio: Library.count >= 0 ? Library.fp16Ratio(modelBox.currentValue || "") : 0
                        visible: fp16Box.checked && ratio > 0
                        text: qsTr("FP16 needs about %1× the memory of this model's weights.").arg(ratio.toFixed(1))
                        color: Theme.textMuted; font.pixelSize: 12
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Label { text: qsTr("Quality"); color: Theme.text; Layout.preferredWidth: 120 }
                    CheckBox {
                        id: qualityBox
                        objectName: "benchQualityBox"
                        text: qsTr("Perplexity on held-out text")
                        checked: true
                        enabled: !Benchmarks.running
                    }
                    Label {
                        objectName: "benchQualityText"
                        visible: qualityBox.checked
                        text: page.qualityText.length > 0
                              ? qsTr("%1: its first %2 chunks of the model's context, scored by each model").arg(page.qualityText.split("/").pop()).arg(Benchmarks.qualityChunks)
                              : qsTr("No held-out text ships with this model: choose a text it was not trained on, or only speed is measured.")
                        color: Theme.textMuted; font.pixelSize: 12
                        wrapMode: Text.Wrap; Layout.fillWidth: true
                    }
                    TButton {
                        visible: qualityBox.checked
                        text: qsTr("Choose text…")
                        flat: true
                        enabled: !Benchmarks.running
                        onClicked: {
                            const picked = Benchmarks.pickQualityText()
                            if (picked.length > 0) page.pickedText = picked
                        }
                    }
                }
                // Wraps in a narrow window instead of running past the card's edge.
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Label { text: qsTr("Tokens"); color: Theme.text; Layout.preferredWidth: 120; Layout.alignment: Qt.AlignTop | Qt.AlignLeft; topPadding: 12 }
                    Flow {
                        objectName: "benchTokenControls"
                        Layout.fillWidth: true
                        spacing: 12
                        Row {
                            spacing: 8
                            Label { text: qsTr("prompt"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                            SpinBox { id: promptBox; from: 8; to: 2048; stepSize: 64; value: 128; editable: true; enabled: !Benchmarks.running; Accessible.name: qsTr("Prompt tokens") }
                        }
                        Row {
                            spacing: 8
                            Label { text: qsTr("generated"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                            SpinBox { id: genBox; from: 4; to: 1024; stepSize: 16; value: 64; editable: true; enabled: !Benchmarks.running; Accessible.name: qsTr("Generated tokens") }
                        }
                        Row {
                            spacing: 8
                            Label { text: qsTr("repetitions"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                            SpinBox { id: repsBox; from: 1; to: 10; value: 3; enabled: !Benchmarks.running; Accessible.name: qsTr("Repetitions") }
                        }
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    TButton {
                        objectName: "benchRunButton"
                        text: Benchmarks.running ? qsTr("Cancel") : qsTr("Run benchmark")
                        icon.source: Benchmarks.running ? "qrc:/resources/icons/stop.svg" : "qrc:/resources/icons/gauge.svg"
                        primary: !Benchmarks.running
                        enabled: Benchmarks.running || (modelBox.currentIndex >= 0 && (ternaryBox.checked || fp16Box.checked || (twinBox.visible && twinBox.checked))
                                                      && !Conversations.generating && ModelSession.state !== ModelSession.Loading)
                        onClicked: {
                            if (Benchmarks.running) { Benchmarks.cancel(); return }
                            page.selectedBatch = ""
                            Benchmarks.run(modelBox.currentValue, promptBox.value, genBox.value, repsBox.value,
                                           ternaryBox.checked, fp16Box.checked, twinBox.visible && twinBox.checked,
                                           qualityBox.checked ? page.qualityText : "")
                        }
                        Accessible.name: Benchmarks.running ? qsTr("Cancel the benchmark") : qsTr("Run the benchmark")
                    }
                    ProgressBar {
                        visible: Benchmarks.running
                        value: Benchmarks.progress
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Benchmark progress")
                    }
                    Label {
                        visible: Benchmarks.running || Benchmarks.phase.length > 0
                        text: Benchmarks.phase + (Benchmarks.running ? " · " + Math.round(Benchmarks.progress * 100) + " %" : "")
                        color: Theme.textMuted; font.pixelSize: 12
                    }
                    Item { Layout.fillWidth: !Benchmarks.running }
                    Label {
                        visible: Conversations.generating
                        text: qsTr("An answer is streaming; the benchmark can start when it is done.")
                        color: Theme.warning; font.pixelSize: 12
                    }
                }
            }
        }

        // Ternary against FP16 for the shown run.
        RowLayout {
            visible: page.runView && page.cmp.batch !== undefined
            Layout.fillWidth: true
            Layout.topMargin: 8
            Label {
                text: qsTr("Ternary vs FP16 · %1 · %2").arg(page.cmp.model || "").arg(page.dateOf(page.cmp.createdAt || ""))
                font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text
                elide: Text.ElideRight; Layout.fillWidth: true
            }
            // Legend of every chart below.
            Rectangle { width: 10; height: 10; radius: 2; color: Theme.accent }
            Label { text: qsTr("Ternary"); color: Theme.text; font.pixelSize: 12 }
            Rectangle { width: 10; height: 10; radius: 2; color: Theme.fp16; Layout.leftMargin: 8 }
            Label { text: qsTr("FP16 baseline"); color: Theme.text; font.pixelSize: 12; Layout.rightMargin: 8 }
            TButton {
                visible: page.selectedBatch !== ""
                text: qsTr("Show the latest")
                flat: true
                onClicked: page.selectedBatch = ""
            }
        }
        Label {
            objectName: "benchSummary"
            visible: page.runView && page.cmp.batch !== undefined && page.cmp.speedup > 0
            // Ratios below 1 (a tiny model whose float head dominates) are said the other way round.
            function times(r, better, worse) {
                return r >= 1 ? qsTr("%1× %2").arg(Number(r).toFixed(1)).arg(better)
                              : qsTr("%1× %2").arg(Number(1 / r).toFixed(1)).arg(worse)
            }
            text: qsTr("Ternary against FP16: generation %1, %2 for weights and cache, energy per token %3 (estimated)%4.")
                      .arg(times(page.cmp.speedup, qsTr("faster"), qsTr("slower")))
                      .arg(times(page.cmp.memoryRatio, qsTr("less memory"), qsTr("more memory")))
                      .arg(times(page.cmp.energyRatioEst, qsTr("lower"), qsTr("higher")))
                      .arg(page.cmp.energyRatioMeasured > 0 ? qsTr(", %1 measured").arg(times(page.cmp.energyRatioMeasured, qsTr("lower"), qsTr("higher"))) : "")
            color: Theme.accent; font.pixelSize: 14; font.weight: Font.DemiBold
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        GridLayout {
            visible: page.runView && page.cmp.batch !== undefined
            Layout.fillWidth: true
            columns: content.width > 980 ? 4 : content.width > 500 ? 2 : 1
            columnSpacing: 12; rowSpacing: 12

            // Generation and prompt speeds differ tenfold: a chart each, so both are readable.
            BenchChart {
                Layout.fillWidth: true
                Layout.preferredWidth: 100  // equal columns
                Layout.alignment: Qt.AlignTop
                title: qsTr("Generation")
                unit: qsTr("tokens/s, measured")
                categories: [page.cmp.tgTest || "tg"]
                ternary: [page.side("ternary").tgTps || 0]
                fp16: [page.side("fp16").tgTps || 0]
            }
            BenchChart {
                Layout.fillWidth: true
                Layout.preferredWidth: 100  // equal columns
                Layout.alignment: Qt.AlignTop
                title: qsTr("Prompt processing")
                unit: qsTr("tokens/s, measured")
                categories: [page.cmp.ppTest || "pp"]
                ternary: [page.side("ternary").ppTps || 0]
                fp16: [page.side("fp16").ppTps || 0]
            }
            BenchChart {
                Layout.fillWidth: true
                Layout.preferredWidth: 100  // equal columns
                Layout.alignment: Qt.AlignTop
                title: qsTr("Memory")
                unit: "MB, " + qsTr("measured")
                categories: [qsTr("weights+KV"), qsTr("peak RSS")]
                ternary: [(page.side("ternary").memoryBytes || 0) / 1e6, (page.side("ternary").peakRssBytes || 0) / 1e6]
                fp16: [(page.side("fp16").memoryBytes || 0) / 1e6, (page.side("fp16").peakRssBytes || 0) / 1e6]
                note: qsTr("Peak RSS is the whole process: the app and the chat's model too.")
            }
            BenchChart {
                id: energyChart
                Layout.preferredWidth: 100
                readonly property real tMeas: page.side("ternary").joulesMeasured || -1
                readonly property real fMeas: page.side("fp16").joulesMeasured || -1
                readonly property bool measured: tMeas > 0 || fMeas > 0
                readonly property var u: page.joulesUnit([page.side("ternary").joulesEst || 0, page.side("fp16").joulesEst || 0,
                                                          Math.max(0, tMeas), Math.max(0, fMeas)])
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                title: qsTr("Energy per generated token")
                unit: u.unit
                categories: [qsTr("estimated"), qsTr("measured")]
                ternary: [(page.side("ternary").joulesEst || 0) * u.scale, Math.max(0, tMeas) * u.scale]
                fp16: [(page.side("fp16").joulesEst || 0) * u.scale, Math.max(0, fMeas) * u.scale]
                note: measured ? qsTr("Measured: CPU package energy from RAPL during the test. Estimated: operation counts and bytes read with the BitNet b1.58 paper's 7 nm figures.")
                               : qsTr("Estimated from operation counts and bytes read (BitNet b1.58 paper, 7 nm), not measured: this system's RAPL energy counters are not readable (they usually need root).")
                noteColor: measured ? Theme.textMuted : Theme.estimate
            }
        }

        // Quality beside speed: the same held-out text scored by each model of the shown run.
        QualityChart {
            id: qualityChart
            visible: page.runView && page.cmp.pplTest !== undefined
            Layout.fillWidth: true
            Layout.maximumWidth: 640
            textName: page.cmp.qualityText || ""
            scoredTokens: page.side("ternary").pplTokens || page.side("fp16").pplTokens || page.side("twin").pplTokens || 0
            bars: {
                const out = []
                const add = (name, label, c) => { if (page.side(name).ppl > 0) out.push({ label: label, value: page.side(name).ppl, color: c }) }
                add("ternary", qsTr("Ternary"), Theme.accent)
                add("fp16", qsTr("FP16 baseline (the same weights expanded)"), Theme.fp16)
                add("twin", qsTr("FP16 twin (trained separately with float weights)"), Theme.twin)
                return out
            }
        }
        Label {
            objectName: "qualityNote"
            visible: page.runView && page.cmp.batch !== undefined && page.cmp.pplTest === undefined && Benchmarks.qualityNote.length > 0
                     && page.shownBatch === page.history.latestBatch
            text: Benchmarks.qualityNote
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        // Every stored result.
        RowLayout {
            visible: page.runView
            Layout.fillWidth: true
            Layout.topMargin: 8
            Label { text: qsTr("History"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text }
            Label { text: qsTr("%1 results").arg(page.history.count); color: Theme.textMuted; font.pixelSize: 12; Layout.fillWidth: true }
            TButton {
                objectName: "benchExportButton"
                text: qsTr("Export CSV…")
                icon.source: "qrc:/resources/icons/export.svg"
                enabled: page.history.count > 0
                onClicked: Benchmarks.exportCsvWithDialog()
                Accessible.name: qsTr("Export the benchmark history as CSV")
            }
            TButton {
                text: qsTr("Clear…")
                icon.source: "qrc:/resources/icons/trash.svg"
                flat: true
                enabled: page.history.count > 0 && !Benchmarks.running
                onClicked: clearDialog.open()
                Accessible.name: qsTr("Clear the benchmark history")
            }
        }
        Label {
            visible: page.runView && page.history.count === 0
            text: qsTr("No results yet. Pick a model and run the benchmark; every result is kept here.")
            color: Theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        // Columns: relative widths, so the table fits the page.
        Item {
            id: table
            visible: page.runView && page.history.count > 0
            Layout.fillWidth: true
            implicitHeight: tableCol.implicitHeight
            readonly property var weights: [1.65, 1.5, 0.75, 0.8, 1.2, 0.7, 1.2, 0.75, 0.95, 0.95, 0.95, 0.95, 0.8]
            readonly property real unit: width / weights.reduce((a, b) => a + b, 0)
            function w(i) { return weights[i] * unit }

            Column {
                id: tableCol
                width: parent.width
                Rectangle {
                    width: parent.width; height: 30
                    color: Theme.surfaceAlt
                    radius: 6
                    Row {
                        anchors.fill: parent; anchors.leftMargin: 8
                        Repeater {
                            model: [qsTr("Date"), qsTr("Model"), qsTr("Test"), qsTr("Precision"), qsTr("Backend"), qsTr("Threads"),
                                    qsTr("tok/s ± sd"), qsTr("TTFT"), qsTr("Peak RSS"), qsTr("Weights+KV"), qsTr("J/tok est."), qsTr("J/tok meas."), qsTr("PPL")]
                            Label {
                                required property int index
                                required property string modelData
                                width: table.w(index) - (index === 0 ? 8 : 0)
                                height: 30
                                verticalAlignment: Text.AlignVCenter
                                text: modelData
                                rightPadding: 6
                                color: Theme.textMuted; font.pixelSize: 11; font.weight: Font.DemiBold
                                elide: Text.ElideRight
                            }
                        }
                    }
                }
                Repeater {
                    model: page.history
                    delegate: Rectangle {
                        id: row
                        required property int index
                        required property string createdAt
                        required property string batch
                        required property string model
                        required property string test
                        required property string precision
                        required property string backend
                        required property int threads
                        required property double tokensPerSecond
                        required property double stddev
                        required property double ttftMs
                        required property double peakRssBytes
                        required property double memoryBytes
                        required property double joulesEst
                        required property double joulesMeasured
                        required property double perplexity
                        readonly property bool shown: batch === page.shownBatch
                        width: tableCol.width; height: 28
                        radius: 4
                        color: shown ? Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.10)
                                     : rowHover.hovered ? Theme.surfaceAlt : "transparent"
                        HoverHandler { id: rowHover }
                        TapHandler { onTapped: page.selectedBatch = row.batch }
                        Accessible.role: Accessible.Row
                        Accessible.name: qsTr("%1 %2 %3: %4 tokens per second").arg(model).arg(precision).arg(test).arg(tokensPerSecond.toFixed(1))
                        Row {
                            anchors.fill: parent; anchors.leftMargin: 8
                            Repeater {
                                model: [page.dateOf(row.createdAt), row.model, row.test,
                                        row.precision === "fp16" ? "FP16" : row.precision === "fp16-twin" ? qsTr("FP16 twin") : qsTr("ternary"),
                                        row.backend, String(row.threads),
                                        row.tokensPerSecond.toFixed(1) + " ± " + row.stddev.toFixed(1),
                                        row.ttftMs.toFixed(row.ttftMs < 10 ? 1 : 0) + " ms",
                                        Format.bytes(row.peakRssBytes), Format.bytes(row.memoryBytes),
                                        page.energyText(row.joulesEst), row.joulesMeasured >= 0 ? page.energyText(row.joulesMeasured) : "—",
                                        row.perplexity > 0 ? row.perplexity.toFixed(row.perplexity >= 100 ? 1 : 2) : "—"]
                                Label {
                                    required property int index
                                    required property string modelData
                                    width: table.w(index) - (index === 0 ? 8 : 0)
                                    height: 28
                                    verticalAlignment: Text.AlignVCenter
                                    text: modelData
                                    rightPadding: 6
                                    // From this cell's own text: the row's properties are gone while a history reset destroys it.
                                    color: index === 3 ? (modelData === "FP16" ? Theme.fp16 : modelData === qsTr("FP16 twin") ? Theme.twin : Theme.accent)
                                                       : index === 10 ? Theme.estimate : Theme.text
                                    font.pixelSize: 12
                                    font.family: index >= 5 ? Theme.mono : Application.font.family
                                    elide: Text.ElideRight
                                }
                            }
                        }
                    }
                }
            }
        }
        Label {
            visible: page.runView && page.history.count > 0
            text: qsTr("Click a row to chart its run. J/tok est. is an estimate (energy model); J/tok meas. is measured with RAPL where readable. Peak RSS is the whole process. PPL: perplexity of the quality text (ppl tests; lower is better), whose tok/s is the speed of scoring it.")
            color: Theme.textMuted; font.pixelSize: 11
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        Item { Layout.preferredHeight: 24 }
    }
}
