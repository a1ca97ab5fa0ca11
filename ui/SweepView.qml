// The Benchmark page's "Sweeps" view: one setting (threads, prompt length or context depth) run
// over its values on the engine thread, a line per precision and backend, stored as one run group
// as each point finishes; its charts show decode speed against the bandwidth roof and prompt
// processing speed, and export as PNG or SVG.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

ColumnLayout {
    id: view
    objectName: "sweepView"
    spacing: 12
    readonly property var history: Benchmarks.history
    // Bumped whenever the history's groups or rows change (each sweep point as it finishes).
    property int revision: 0
    // Sweeps run here, and imported `tern-cli bench --sweep` files.
    readonly property var sweepGroups: {
        revision
        return history.groups().filter(g => g.kind === "sweep" || (g.kind === "import" && g.axis))
    }
    // The group the charts show: the one picked, else the newest sweep.
    property string pickedGroup: ""
    readonly property string shownGroup: pickedGroup || (sweepGroups.length > 0 ? sweepGroups[0].id : "")
    readonly property var sweep: {
        revision
        return runComparison.sweep(history.runsInGroup(shownGroup))
    }
    readonly property var usableGpus: Array.from(ModelSession.devices()).filter(d => d.usable)
    readonly property var axes: [
        { value: "threads", text: qsTr("Threads") },
        { value: "pp", text: qsTr("Prompt length") },
        { value: "depth", text: qsTr("Context depth") }
    ]

    function refresh() {
        ++revision
        if (pickedGroup && !sweepGroups.some(g => g.id === pickedGroup)) pickedGroup = ""
    }
    // "1, 2, 4" -> [1, 2, 4]; null when something is not a whole number.
    function parseValues(text) {
        const parts = text.split(/[\s,]+/).filter(s => s.length > 0)
        const out = parts.map(s => Number(s))
        return out.every(v => Number.isInteger(v) && v >= 0) ? out : null
    }
    function groupText(g) {
        const d = new Date(g.createdAt)
        const when = isNaN(d) ? g.createdAt : d.toLocaleString(Qt.locale(), "yyyy-MM-dd HH:mm")
        const state = g.state === "complete" ? "" : " (" + g.state + ")"
        return runComparison.sweepAxisTitle(g.axis) + (g.label ? " · " + g.label : "") + " · " + when + state
    }
    Connections { target: view.history; function onGroupsChanged() { view.refresh() } }

    RunComparison { id: runComparison }
    ChartSvg { id: chartSvg }

    Label {
        text: qsTr("Runs one setting over a list of values, a line per precision and backend. The model loads once per line (once per thread count on the threads axis); every point is stored as it finishes, so a cancelled sweep keeps what it measured.")
        color: Theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true
    }

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: form.implicitHeight + 28
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        GridLayout {
            id: form
            anchors.fill: parent; anchors.margins: 14
            columns: 2
            columnSpacing: 12; rowSpacing: 8
            Label { text: qsTr("Model"); color: Theme.text; Layout.preferredWidth: 110 }
            ComboBox {
                id: modelBox
                objectName: "sweepModelBox"
                Layout.fillWidth: true
                Layout.maximumWidth: 520
                model: Library
                textRole: "name"
                valueRole: "path"
                displayText: count === 0 ? qsTr("No models in the library yet") : currentText
                enabled: !Benchmarks.running
                // The chat's model, else the first; again when the library gains its first model.
                function pickDefault() {
                    const i = indexOfValue(ModelSession.model.path || "")
                    if (i >= 0) currentIndex = i
                    else if (currentIndex < 0 && count > 0) currentIndex = 0
                }
                onCountChanged: if (currentIndex < 0) pickDefault()
                Component.onCompleted: pickDefault()
                Accessible.name: qsTr("Model to sweep")
            }
            Label { text: qsTr("Sweep over"); color: Theme.text }
            Flow {
                Layout.fillWidth: true
                spacing: 12
                ComboBox {
                    id: axisBox
                    objectName: "sweepAxisBox"
                    model: view.axes
                    textRole: "text"
                    valueRole: "value"
                    enabled: !Benchmarks.running
                    Accessible.name: qsTr("Setting to sweep")
                }
                TextField {
                    id: valuesField
                    objectName: "sweepValuesField"
                    width: 220
                    placeholderText: qsTr("values, e.g. 1, 2, 4 (empty: defaults)")
                    enabled: !Benchmarks.running
                    color: view.parseValues(text) === null ? Theme.danger : Theme.text
                    Accessible.name: qsTr("Values to sweep, separated by commas")
                }
            }
            Label { text: qsTr("Lines"); color: Theme.text }
            Flow {
                Layout.fillWidth: true
                spacing: 8
                CheckBox { id: ternaryBox; text: qsTr("Ternary"); checked: true; enabled: !Benchmarks.running }
                CheckBox { id: fp16Box; text: qsTr("FP16 baseline"); checked: false; enabled: !Benchmarks.running }
                CheckBox { id: cpuBox; text: qsTr("CPU"); checked: true; enabled: !Benchmarks.running }
                CheckBox {
                    id: vulkanBox
                    objectName: "sweepVulkanBox"
                    // Only where a Vulkan device can run the model (as Settings lists them).
                    visible: view.usableGpus.length > 0
                    text: qsTr("Vulkan (%1)").arg(view.usableGpus.length > 0 ? view.usableGpus[0].name : "")
                    enabled: !Benchmarks.running
                }
            }
            Label { text: qsTr("Tokens"); color: Theme.text }
            Flow {
                Layout.fillWidth: true
                spacing: 12
                Row {
                    spacing: 8
                    Label { text: qsTr("prompt"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                    SpinBox { id: promptBox; objectName: "sweepPromptBox"; from: 8; to: 2048; stepSize: 32; value: 64; editable: true; enabled: !Benchmarks.running; Accessible.name: qsTr("Prompt tokens") }
                }
                Row {
                    spacing: 8
                    Label { text: qsTr("generated"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                    SpinBox { id: genBox; objectName: "sweepGenBox"; from: 4; to: 512; stepSize: 16; value: 32; editable: true; enabled: !Benchmarks.running; Accessible.name: qsTr("Generated tokens") }
                }
                Row {
                    spacing: 8
                    Label { text: qsTr("repetitions"); color: Theme.textMuted; anchors.verticalCenter: parent.verticalCenter }
                    SpinBox { id: repsBox; objectName: "sweepRepsBox"; from: 1; to: 10; value: 2; enabled: !Benchmarks.running; Accessible.name: qsTr("Repetitions") }
                }
            }
            Item { width: 1; height: 1 }
            RowLayout {
                Layout.fillWidth: true
                spacing: 12
                TButton {
                    objectName: "sweepRunButton"
                    text: Benchmarks.running ? qsTr("Cancel") : qsTr("Run sweep")
                    icon.source: Benchmarks.running ? "qrc:/resources/icons/stop.svg" : "qrc:/resources/icons/gauge.svg"
                    primary: !Benchmarks.running
                    enabled: Benchmarks.running || (modelBox.currentIndex >= 0 && (ternaryBox.checked || fp16Box.checked)
                                                  && (cpuBox.checked || (vulkanBox.visible && vulkanBox.checked))
                                                  && view.parseValues(valuesField.text) !== null
                                                  && !Conversations.generating && ModelSession.state !== ModelSession.Loading)
                    onClicked: {
                        if (Benchmarks.running) { Benchmarks.cancel(); return }
                        if (Benchmarks.runSweep(modelBox.currentValue, axisBox.currentValue, view.parseValues(valuesField.text),
                                                ternaryBox.checked, fp16Box.checked, cpuBox.checked,
                                                vulkanBox.visible && vulkanBox.checked, promptBox.value, genBox.value, repsBox.value))
                            view.pickedGroup = ""
                    }
                    Accessible.name: Benchmarks.running ? qsTr("Cancel the sweep") : qsTr("Run the sweep")
                }
                ProgressBar {
                    visible: Benchmarks.running
                    value: Benchmarks.progress
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Sweep progress")
                }
                Label {
                    visible: Benchmarks.running || Benchmarks.phase.length > 0
                    text: Benchmarks.phase + (Benchmarks.running ? " · " + Math.round(Benchmarks.progress * 100) + " %" : "")
                    color: Theme.textMuted; font.pixelSize: 12
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
        }
    }

    RowLayout {
        visible: view.sweepGroups.length > 0
        Layout.fillWidth: true
        spacing: 8
        Label { text: qsTr("Sweep"); color: Theme.text; font.pixelSize: 16; font.weight: Font.DemiBold }
        ComboBox {
            id: groupBox
            objectName: "sweepGroupBox"
            Layout.fillWidth: true
            Layout.maximumWidth: 520
            model: view.sweepGroups.map(g => view.groupText(g))
            currentIndex: Math.max(0, view.sweepGroups.findIndex(g => g.id === view.shownGroup))
            onActivated: index => view.pickedGroup = view.sweepGroups[index].id
            Accessible.name: qsTr("Sweep to chart")
        }
        Item { Layout.fillWidth: true }
    }
    Label {
        visible: view.sweepGroups.length === 0
        text: qsTr("No sweeps yet. Choose a setting and run one; or from the terminal, `tern-cli bench --sweep threads --json` and import the file in Compare.")
        color: Theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true
    }
    Label {
        visible: view.shownGroup.length > 0 && view.sweep.charts.length === 0
        text: qsTr("This sweep has no finished points yet.")
        color: Theme.textMuted; Layout.fillWidth: true
    }

    GridLayout {
        Layout.fillWidth: true
        columns: view.width > 1000 ? 2 : 1
        columnSpacing: 12; rowSpacing: 12
        Repeater {
            model: view.sweep.charts
            ColumnLayout {
                id: chartBox
                required property var modelData
                required property int index
                Layout.fillWidth: true
                Layout.preferredWidth: 100
                Layout.alignment: Qt.AlignTop
                spacing: 4
                SweepChart {
                    id: sweepChart
                    Layout.fillWidth: true
                    chart: chartBox.modelData
                }
                Row {
                    spacing: 8
                    TButton {
                        objectName: "sweepExportPng"
                        text: qsTr("PNG…")
                        icon.source: "qrc:/resources/icons/export.svg"
                        flat: true
                        onClicked: chartSvg.savePngWithDialog(sweepChart, "tern-sweep-" + view.sweep.axis + "-" + chartBox.modelData.kind)
                        Accessible.name: qsTr("Save this chart as a PNG image")
                    }
                    TButton {
                        objectName: "sweepExportSvg"
                        text: qsTr("SVG…")
                        icon.source: "qrc:/resources/icons/export.svg"
                        flat: true
                        onClicked: chartSvg.writeLinesWithDialog(chartBox.modelData, "tern-sweep-" + view.sweep.axis + "-" + chartBox.modelData.kind, Theme.dark)
                        Accessible.name: qsTr("Save this chart as an SVG image")
                    }
                }
            }
        }
    }
}
