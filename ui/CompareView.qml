// The Benchmark page's "Compare runs" view: pick any stored runs (by run group: a click of Run, a
// sweep, an import), chart one metric over them with each bar named by what differs, and share
// the chart (PNG, SVG) or the runs (CSV, JSON); import `tern-cli bench --json` files.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

ColumnLayout {
    id: view
    objectName: "compareView"
    spacing: 12
    readonly property var history: Benchmarks.history
    property var groups: []
    // The chosen runs' ids, in the order they were picked.
    property var picked: []
    property int metric: RunComparison.DecodeTokensPerSecond
    readonly property var rows: picked.map(id => history.run(id)).filter(r => r.id !== undefined)
    readonly property var comparison: runComparison.compare(rows, metric)
    readonly property var metrics: [
        { value: RunComparison.DecodeTokensPerSecond, text: qsTr("Decode speed (tokens/s)") },
        { value: RunComparison.PrefillTokensPerSecond, text: qsTr("Prompt processing (tokens/s)") },
        { value: RunComparison.TimeToFirstToken, text: qsTr("Time to first token (ms)") },
        { value: RunComparison.Memory, text: qsTr("Memory: weights + KV cache") },
        { value: RunComparison.JoulesPerTokenEstimated, text: qsTr("Energy per token, estimated") },
        { value: RunComparison.JoulesPerTokenMeasured, text: qsTr("Energy per token, measured") },
        { value: RunComparison.Perplexity, text: qsTr("Perplexity") }
    ]

    function refresh() {
        groups = history.groups()
        // Forget picks whose rows are gone (history cleared).
        const kept = picked.filter(id => history.run(id).id !== undefined)
        if (kept.length !== picked.length) picked = kept
    }
    function isPicked(id) { return picked.indexOf(id) >= 0 }
    function setPicked(id, on) {
        const rest = picked.filter(p => p !== id)
        picked = on ? rest.concat([id]) : rest
    }
    // Picks every run of a group that measured the chosen metric (a group's tg rows for decode).
    function pickGroup(groupId, on) {
        let next = picked.slice()
        for (const r of history.runsInGroup(groupId)) {
            next = next.filter(p => p !== r.id)
            if (on) next.push(r.id)
        }
        picked = next
    }
    function groupTitle(g) {
        const what = g.kind === "import" ? qsTr("Imported: %1").arg(g.label)
                   : g.label ? g.label
                   : g.kind === "sweep" ? qsTr("Sweep over %1").arg(runComparison.sweepAxisTitle(g.axis)) : qsTr("Run")
        return what + " · " + dateOf(g.createdAt) + (g.state === "complete" || !g.state ? "" : " (" + g.state + ")")
    }
    function dateOf(iso) {
        const d = new Date(iso)
        return isNaN(d) ? iso : d.toLocaleString(Qt.locale(), "yyyy-MM-dd HH:mm")
    }
    function runText(r) {
        const threads = r.threads === 1 ? qsTr("1 thread") : qsTr("%1 threads").arg(r.threads)
        const parts = [r.test, r.precision, r.backend]
        if (r.sweep !== "threads") parts.push(threads)
        if (r.sweep) parts.push(r.sweep + " " + r.sweepValue)
        return parts.join(" · ") + (r.tokensPerSecond > 0 ? " — " + Number(r.tokensPerSecond).toFixed(1) + " " + qsTr("tokens/s") : "")
    }

    Connections { target: view.history; function onGroupsChanged() { view.refresh() } }
    Component.onCompleted: refresh()

    RunComparison { id: runComparison }
    ChartSvg { id: chartSvg }

    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        Label {
            text: qsTr("Pick runs from the history to chart them side by side; each bar is named by what differs between them.")
            color: Theme.textMuted; wrapMode: Text.Wrap
            Layout.fillWidth: true
            Layout.preferredWidth: 300  // not its unwrapped width: the row decides
        }
        TButton {
            objectName: "compareImportButton"
            text: qsTr("Import JSON…")
            icon.source: "qrc:/resources/icons/download.svg"
            flat: true
            onClicked: Benchmarks.importWithDialog()
            Accessible.name: qsTr("Import a tern-cli bench JSON file into the history")
        }
    }

    GridLayout {
        Layout.fillWidth: true
        columns: view.width > 900 ? 2 : 1
        columnSpacing: 12; rowSpacing: 12

        // The run picker: groups, newest first, with their runs.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredWidth: 340
            Layout.maximumWidth: view.width > 900 ? 400 : 100000
            Layout.alignment: Qt.AlignTop
            // A fixed height: one bound to the list's contentHeight, which grows as delegates are
            // made during layout, made the page's layout loop.
            implicitHeight: view.groups.length === 0 ? 80 : 380
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            Label {
                visible: view.groups.length === 0
                anchors.fill: parent; anchors.margins: 12
                text: qsTr("No runs yet: run a benchmark or a sweep, or import a JSON file.")
                color: Theme.textMuted; wrapMode: Text.Wrap
            }
            ListView {
                id: pickerList
                objectName: "compareRunPicker"
                anchors.fill: parent; anchors.margins: 8
                clip: true
                spacing: 4
                model: view.groups
                ScrollBar.vertical: ScrollBar {}
                delegate: Column {
                    id: groupItem
                    required property var modelData
                    required property int index
                    readonly property var runs: view.history.runsInGroup(modelData.id)
                    property bool open: index < 2
                    width: ListView.view.width - 8
                    RowLayout {
                        width: parent.width
                        spacing: 4
                        CheckBox {
                            objectName: "compareGroupBox"
                            readonly property int count: groupItem.runs.filter(r => view.isPicked(r.id)).length
                            checkState: count === 0 ? Qt.Unchecked : count === groupItem.runs.length ? Qt.Checked : Qt.PartiallyChecked
                            nextCheckState: function () { return count === groupItem.runs.length ? Qt.Unchecked : Qt.Checked }
                            onClicked: view.pickGroup(groupItem.modelData.id, checkState === Qt.Checked)
                            Accessible.name: qsTr("All runs of %1").arg(view.groupTitle(groupItem.modelData))
                        }
                        Label {
                            text: view.groupTitle(groupItem.modelData)
                            color: Theme.text; font.pixelSize: 12; font.weight: Font.DemiBold
                            elide: Text.ElideRight; Layout.fillWidth: true
                            TapHandler { onTapped: groupItem.open = !groupItem.open }
                        }
                        Label {
                            text: (groupItem.open ? "▾ " : "▸ ") + groupItem.runs.length
                            color: Theme.textMuted; font.pixelSize: 11
                            TapHandler { onTapped: groupItem.open = !groupItem.open }
                        }
                    }
                    Label {
                        visible: groupItem.open && (groupItem.modelData.machineSummary || "").length > 0
                        width: parent.width
                        leftPadding: 36
                        text: groupItem.modelData.machineSummary || ""
                        color: Theme.textMuted; font.pixelSize: 10
                        elide: Text.ElideRight
                    }
                    Repeater {
                        model: groupItem.open ? groupItem.runs : []
                        CheckBox {
                            id: runBox
                            objectName: "compareRunBox"
                            required property var modelData
                            width: groupItem.width
                            leftPadding: 28
                            topPadding: 0; bottomPadding: 0
                            checked: view.isPicked(modelData.id)
                            onToggled: view.setPicked(modelData.id, checked)
                            font.pixelSize: 11
                            text: runComparison.modelOf(modelData) + " · " + view.runText(modelData)
                        }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignTop
            spacing: 8
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label { text: qsTr("Metric"); color: Theme.text }
                ComboBox {
                    id: metricBox
                    objectName: "compareMetricBox"
                    Layout.fillWidth: true
                    Layout.maximumWidth: 320
                    model: view.metrics
                    textRole: "text"
                    valueRole: "value"
                    onActivated: view.metric = currentValue
                    Component.onCompleted: currentIndex = indexOfValue(view.metric)
                    Accessible.name: qsTr("Metric to compare")
                }
                Item { Layout.fillWidth: true }
                Label { text: qsTr("%1 chosen").arg(view.picked.length); color: Theme.textMuted; font.pixelSize: 12 }
                TButton {
                    text: qsTr("Clear")
                    flat: true
                    enabled: view.picked.length > 0
                    onClicked: view.picked = []
                }
            }
            CompareChart {
                id: chart
                Layout.fillWidth: true
                comparison: view.comparison
            }
            // Share: the chart as an image, the chosen runs as data.
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                TButton {
                    objectName: "compareExportPng"
                    text: qsTr("PNG…")
                    icon.source: "qrc:/resources/icons/export.svg"
                    flat: true
                    enabled: (view.comparison.bars || []).length > 0
                    onClicked: chartSvg.savePngWithDialog(chart, "tern-compare")
                    Accessible.name: qsTr("Save the chart as a PNG image")
                }
                TButton {
                    objectName: "compareExportSvg"
                    text: qsTr("SVG…")
                    icon.source: "qrc:/resources/icons/export.svg"
                    flat: true
                    enabled: (view.comparison.bars || []).length > 0
                    onClicked: chartSvg.writeBarsWithDialog(view.comparison, "tern-compare", Theme.dark)
                    Accessible.name: qsTr("Save the chart as an SVG image")
                }
                TButton {
                    objectName: "compareExportRuns"
                    text: qsTr("Runs as CSV or JSON…")
                    icon.source: "qrc:/resources/icons/export.svg"
                    flat: true
                    enabled: view.picked.length > 0
                    onClicked: Benchmarks.exportRunsWithDialog(view.picked)
                    Accessible.name: qsTr("Export the chosen runs as CSV or JSON")
                }
            }
        }
    }
}
