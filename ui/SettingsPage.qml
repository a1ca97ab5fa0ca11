// Preferences: engine, sampling defaults, appearance.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ScrollView {
    id: page
    contentWidth: availableWidth

    ColumnLayout {
        width: Math.min(page.availableWidth - 64, 640)
        x: 32
        spacing: 12

        Item { Layout.preferredHeight: 16 }
        Label { text: qsTr("Settings"); font.pixelSize: 24; font.weight: Font.DemiBold; color: theme.text }

        Label { text: qsTr("Appearance"); font.pixelSize: 16; font.weight: Font.DemiBold; color: theme.text; Layout.topMargin: 8 }
        RowLayout {
            Label { text: qsTr("Theme"); color: theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                id: themeBox
                Layout.preferredWidth: 240
                model: [qsTr("Follow the system"), qsTr("Light"), qsTr("Dark")]
                readonly property var keys: ["system", "light", "dark"]
                currentIndex: Math.max(0, keys.indexOf(app.settings.theme))
                onActivated: (i) => app.settings.theme = keys[i]
                Accessible.name: qsTr("Theme")
            }
        }

        Label { text: qsTr("Engine"); font.pixelSize: 16; font.weight: Font.DemiBold; color: theme.text; Layout.topMargin: 8 }
        RowLayout {
            Label { text: qsTr("Device"); color: theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                id: deviceBox
                Layout.preferredWidth: 360
                // Automatic, CPU, then each Vulkan device; unusable ones stay listed with the reason.
                readonly property var devices: app.devices()
                model: [qsTr("Automatic (best GPU, else CPU)"), qsTr("CPU")].concat(
                           devices.map(d => d.name + " (" + d.type + ")" + (d.usable ? "" : qsTr(" — unavailable"))))
                currentIndex: app.settings.backend === "cpu" ? 1
                            : app.settings.backend === "vulkan" ? Math.max(0, devices.findIndex(d => d.index === app.settings.device)) + 2
                            : 0
                onActivated: (i) => {
                    if (i === 0) { app.settings.backend = "auto"; app.settings.device = -1 }
                    else if (i === 1) { app.settings.backend = "cpu"; app.settings.device = -1 }
                    else { app.settings.backend = "vulkan"; app.settings.device = devices[i - 2].index }
                }
                Accessible.name: qsTr("Compute device")
            }
        }
        Label {
            readonly property var chosen: deviceBox.currentIndex >= 2 ? deviceBox.devices[deviceBox.currentIndex - 2] : null
            visible: text.length > 0
            text: chosen && !chosen.usable ? chosen.reason
                  : deviceBox.devices.length === 0 ? qsTr("No GPU: %1").arg(app.vulkanStatus() || qsTr("no Vulkan device found")) : ""
            color: theme.warning; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        RowLayout {
            Label { text: qsTr("Threads (0 = all cores)"); color: theme.text; Layout.preferredWidth: 200 }
            SpinBox {
                from: 0; to: 256
                value: app.settings.threads
                onValueModified: app.settings.threads = value
                Accessible.name: qsTr("Threads")
            }
        }
        RowLayout {
            Label { text: qsTr("Context length"); color: theme.text; Layout.preferredWidth: 200 }
            SpinBox {
                from: 256; to: 32768; stepSize: 256
                value: app.settings.contextLength
                editable: true
                onValueModified: app.settings.contextLength = value
                Accessible.name: qsTr("Context length in tokens")
            }
        }
        Label {
            text: qsTr("Device, threads and context length apply the next time a model is loaded.")
            color: theme.textMuted; font.pixelSize: 12
        }
        RowLayout {
            Label { text: qsTr("LM head"); color: theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                objectName: "lmHeadBox"
                Layout.preferredWidth: 360
                model: [qsTr("Exact (F16, as stored)"), qsTr("8-bit Q8_0 — faster, tiny accuracy cost"),
                        qsTr("6-bit Q6_K — fastest, small accuracy cost")]
                readonly property var keys: ["exact", "q8_0", "q6_k"]
                currentIndex: Math.max(0, keys.indexOf(app.settings.lmHead))
                onActivated: (i) => app.settings.lmHead = keys[i]
                Accessible.name: qsTr("LM head precision")
            }
        }
        RowLayout {
            Label { text: qsTr("KV cache"); color: theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                objectName: "kvCacheBox"
                Layout.preferredWidth: 360
                model: [qsTr("F16 — half the memory"), qsTr("F32 — exact"),
                        qsTr("8-bit Q8_0 — about half of F16, small accuracy cost")]
                readonly property var keys: ["f16", "f32", "q8"]
                currentIndex: Math.max(0, keys.indexOf(app.settings.kvCache))
                onActivated: (i) => app.settings.kvCache = keys[i]
                Accessible.name: qsTr("KV cache precision")
            }
        }
        Label {
            text: (app.metrics.headBytes > 0
                       ? qsTr("Every token reads the whole LM head (now %1, %2): Q8_0 about halves an F16 head, Q6_K takes 40%.")
                             .arg(app.metrics.headType).arg(app.formatBytes(app.metrics.headBytes))
                       : qsTr("Every token reads the whole LM head: Q8_0 about halves an F16 head, Q6_K takes 40%."))
                  + " " + qsTr("Changing either reloads a loaded model at once; the Benchmark page uses them too. The Vulkan backend keeps an F32 KV cache.")
            color: theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        RowLayout {
            Layout.topMargin: 8
            Layout.fillWidth: true
            Label { text: qsTr("Sampling"); font.pixelSize: 16; font.weight: Font.DemiBold; color: theme.text; Layout.fillWidth: true }
            TButton {
                text: qsTr("Restore defaults")
                flat: true
                onClicked: app.settings.resetSampling()
                Accessible.name: qsTr("Restore the default sampling settings")
            }
        }
        Label {
            text: qsTr("Defaults for every chat; a chat can change its own from the sliders button above the conversation.")
            color: theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        SamplingControls {
            objectName: "defaultSampling"
            Layout.fillWidth: true
            values: ({
                temperature: app.settings.temperature, topK: app.settings.topK, topP: app.settings.topP,
                minP: app.settings.minP, repeatPenalty: app.settings.repeatPenalty,
                repeatLastN: app.settings.repeatLastN, maxTokens: app.settings.maxTokens
            })
            onEdited: (key, value) => app.settings[key] = value
        }
        Label { text: qsTr("System prompt"); color: theme.text }
        TextArea {
            Layout.fillWidth: true
            Layout.preferredHeight: 90
            text: app.settings.systemPrompt
            placeholderText: qsTr("Optional instructions given to the model before every chat")
            wrapMode: TextEdit.Wrap
            onEditingFinished: app.settings.systemPrompt = text
            Accessible.name: qsTr("System prompt")
        }

        Label { text: qsTr("Models folder"); font.pixelSize: 16; font.weight: Font.DemiBold; color: theme.text; Layout.topMargin: 8 }
        TextField {
            Layout.fillWidth: true
            text: app.settings.modelsDir
            onEditingFinished: app.settings.modelsDir = text
            Accessible.name: qsTr("Models folder")
        }
        TButton {
            text: qsTr("Back to chat")
            onClicked: window.currentPage = "chat"
        }
        Item { Layout.preferredHeight: 24 }
    }
}
