// The sampling parameters as a form: used for the defaults in Settings and for one chat's own
// values. `values` holds the keys of app/src/Sampling.h; changes come back through edited().
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

GridLayout {
    id: form
    property var values: ({})
    property var customKeys: []       // keys shown as changed for this chat
    property int labelWidth: 200
    signal edited(string key, var value)

    columns: 2
    columnSpacing: 12
    rowSpacing: 6

    function isCustom(key) { return form.customKeys.indexOf(key) >= 0 }

    // A parameter's name; `custom` when this chat changed it (an inline component cannot see `form`).
    component Caption: Label {
        property bool custom
        property string help
        color: custom ? Theme.accent : Theme.text
        font.weight: custom ? Font.DemiBold : Font.Normal
        elide: Text.ElideRight
        HoverHandler { id: captionHover }
        ToolTip.visible: captionHover.hovered && help.length > 0
        ToolTip.text: help
        ToolTip.delay: 400
    }

    Caption {
        custom: form.isCustom("temperature")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Temperature: %1").arg(Number(form.values.temperature || 0).toFixed(2))
        help: qsTr("Higher is more varied, 0 always picks the most likely token.")
    }
    Slider {
        objectName: "temperatureSlider"
        from: 0; to: 2; stepSize: 0.05
        value: form.values.temperature || 0
        onMoved: form.edited("temperature", value)
        Layout.fillWidth: true
        Accessible.name: qsTr("Temperature")
    }

    Caption {
        custom: form.isCustom("topK")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Top-k")
        help: qsTr("Sample only from this many most likely tokens; 0 turns it off.")
    }
    SpinBox {
        from: 0; to: 200
        value: form.values.topK || 0
        editable: true
        onValueModified: form.edited("topK", value)
        Accessible.name: qsTr("Top-k")
    }

    Caption {
        custom: form.isCustom("topP")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Top-p: %1").arg(Number(form.values.topP || 0).toFixed(2))
        help: qsTr("Sample from the most likely tokens that together reach this probability; 1 turns it off.")
    }
    Slider {
        from: 0.05; to: 1; stepSize: 0.05
        value: form.values.topP || 1
        onMoved: form.edited("topP", value)
        Layout.fillWidth: true
        Accessible.name: qsTr("Top-p")
    }

    Caption {
        custom: form.isCustom("minP")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Min-p: %1").arg(Number(form.values.minP || 0).toFixed(2))
        help: qsTr("Drop tokens less likely than this fraction of the most likely one; 0 turns it off.")
    }
    Slider {
        objectName: "minPSlider"
        from: 0; to: 0.5; stepSize: 0.01
        value: form.values.minP || 0
        onMoved: form.edited("minP", value)
        Layout.fillWidth: true
        Accessible.name: qsTr("Min-p")
    }

    Caption {
        custom: form.isCustom("repeatPenalty")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Repeat penalty: %1").arg(Number(form.values.repeatPenalty || 1).toFixed(2))
        help: qsTr("Makes recently used tokens less likely; 1 turns it off.")
    }
    Slider {
        objectName: "repeatPenaltySlider"
        from: 1; to: 2; stepSize: 0.05
        value: form.values.repeatPenalty || 1
        onMoved: form.edited("repeatPenalty", value)
        Layout.fillWidth: true
        Accessible.name: qsTr("Repeat penalty")
    }

    Caption {
        custom: form.isCustom("repeatLastN")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Repeat window")
        help: qsTr("How many recent tokens the repeat penalty looks at; Off, or All for the whole conversation.")
    }
    SpinBox {
        objectName: "repeatLastNBox"
        from: -1; to: 4096; stepSize: 16
        value: form.values.repeatLastN !== undefined ? form.values.repeatLastN : 64
        editable: true
        textFromValue: (v) => v < 0 ? qsTr("All") : v === 0 ? qsTr("Off") : qsTr("%1 tokens").arg(v)
        valueFromText: (t) => {
            if (t.trim().toLowerCase() === qsTr("all").toLowerCase()) return -1
            if (t.trim().toLowerCase() === qsTr("off").toLowerCase()) return 0
            const n = parseInt(t)
            return isNaN(n) ? value : n
        }
        validator: RegularExpressionValidator { regularExpression: /.*/ }
        onValueModified: form.edited("repeatLastN", value)
        Accessible.name: qsTr("Repeat window in tokens")
    }

    Caption {
        custom: form.isCustom("maxTokens")
        Layout.preferredWidth: form.labelWidth
        text: qsTr("Maximum answer length")
        help: qsTr("The answer stops after this many tokens.")
    }
    SpinBox {
        from: 16; to: 8192; stepSize: 64
        value: form.values.maxTokens || 512
        editable: true
        onValueModified: form.edited("maxTokens", value)
        Accessible.name: qsTr("Maximum answer length in tokens")
    }
}
