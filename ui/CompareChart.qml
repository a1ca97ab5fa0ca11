// The Compare view's chart: one horizontal bar per chosen run for one metric (RunComparison's
// compare()), each named by what differs between the runs, on a value axis with its numbers and
// unit; runs that did not measure the metric are listed under it, not drawn as 0.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

Rectangle {
    id: card
    objectName: "compareChart"
    property var comparison: ({})
    readonly property var bars: comparison.bars || []
    readonly property var missing: comparison.notMeasured || []
    readonly property var axis: comparison.axis || ({ min: 0, max: 1, ticks: [], labels: [] })
    // Labels take what they need, up to 40 % of the card; the plot keeps room for the value text.
    readonly property real labelWidth: Math.min(width * 0.4, Math.max(80, widest.advanceWidth + 8))
    readonly property real plotLeft: 14 + labelWidth + 10
    readonly property real plotWidth: Math.max(40, width - plotLeft - 96)
    function xOf(v) { return (v - axis.min) / Math.max(1e-12, axis.max - axis.min) * plotWidth }

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    implicitHeight: col.implicitHeight + 24

    FontMetrics { id: labelMetrics; font.pixelSize: 12 }
    TextMetrics {
        id: widest
        font.pixelSize: 12
        // The longest label decides the column's width.
        text: card.bars.reduce((a, b) => b.label.length > a.length ? b.label : a, "")
    }

    Column {
        id: col
        x: 14; y: 12
        width: card.width - 28
        spacing: 6
        Label {
            text: card.comparison.title || ""
            color: Theme.text; font.pixelSize: 14; font.weight: Font.DemiBold
            elide: Text.ElideRight; width: col.width
        }
        // Two lines at most, always that high: a height that followed the wrapping as the page
        // laid out made its layouts go round again (a polish loop).
        Label {
            objectName: "compareCaption"
            visible: text.length > 0
            text: card.comparison.caption || ""
            color: Theme.textMuted; font.pixelSize: 11
            wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight
            width: col.width
            height: Math.ceil(captionMetrics.height * 2)
            FontMetrics { id: captionMetrics; font.pixelSize: 11 }
        }
        Label {
            visible: card.bars.length === 0
            text: qsTr("None of the chosen runs measured this. Pick runs in the list, or another metric.")
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; width: col.width
        }
        // The bars, over the axis's grid lines.
        Item {
            id: plot
            visible: card.bars.length > 0
            width: col.width
            implicitHeight: barColumn.implicitHeight + 44
            Repeater {
                model: card.axis.ticks
                Rectangle {
                    required property int index
                    required property real modelData
                    x: card.plotLeft - 14 + card.xOf(modelData)
                    width: 1; height: barColumn.implicitHeight
                    color: Theme.border
                }
            }
            Column {
                id: barColumn
                width: parent.width
                spacing: 6
                Repeater {
                    model: card.bars
                    Item {
                        id: barRow
                        objectName: "compareBar"
                        required property int index
                        required property var modelData
                        readonly property string label: modelData.label
                        readonly property string valueText: modelData.valueText
                        width: barColumn.width
                        height: Math.max(24, Math.ceil(labelMetrics.height * 2) + 2)  // two lines, whatever the width
                        Label {
                            id: labelText
                            width: card.labelWidth
                            anchors.verticalCenter: parent.verticalCenter
                            horizontalAlignment: Text.AlignRight
                            text: barRow.modelData.label
                            color: Theme.text; font.pixelSize: 12
                            wrapMode: Text.Wrap; maximumLineCount: 2; elide: Text.ElideRight
                        }
                        Rectangle {
                            id: bar
                            x: card.plotLeft - 14
                            anchors.verticalCenter: parent.verticalCenter
                            width: Math.max(2, card.xOf(barRow.modelData.value))
                            height: 18
                            radius: 3
                            color: runComparison.seriesColor(barRow.index, Theme.dark)
                        }
                        Label {
                            x: bar.x + bar.width + 6
                            width: Math.max(0, barRow.width - x)
                            anchors.verticalCenter: parent.verticalCenter
                            text: barRow.modelData.valueText
                            color: Theme.text; font.pixelSize: 11; font.family: Theme.mono
                            elide: Text.ElideRight
                        }
                    }
                }
            }
            // The value axis: numbers at the ticks, the unit under them.
            Rectangle {
                x: card.plotLeft - 14; y: barColumn.implicitHeight + 2
                width: card.plotWidth; height: 1
                color: Theme.textMuted
            }
            Repeater {
                model: card.axis.ticks
                Label {
                    objectName: "compareTick"
                    required property int index
                    required property real modelData
                    y: barColumn.implicitHeight + 6
                    width: 56
                    x: card.plotLeft - 14 + card.xOf(modelData) - width / 2
                    horizontalAlignment: Text.AlignHCenter
                    text: card.axis.labels[index] ?? ""  // ticks and labels change in separate bindings
                    color: Theme.textMuted; font.pixelSize: 10; font.family: Theme.mono
                }
            }
            Label {
                objectName: "compareAxisTitle"
                y: barColumn.implicitHeight + 24
                x: card.plotLeft - 14
                width: card.plotWidth
                horizontalAlignment: Text.AlignHCenter
                text: card.comparison.axisTitle || ""
                color: Theme.text; font.pixelSize: 11
            }
        }
        Label {
            objectName: "compareNotMeasured"
            visible: card.missing.length > 0
            text: qsTr("Not measured: %1").arg(card.missing.map(m => m.label).join("; "))
            color: Theme.textMuted; font.pixelSize: 11
            wrapMode: Text.Wrap; width: col.width
        }
    }
    RunComparison { id: runComparison }
}
