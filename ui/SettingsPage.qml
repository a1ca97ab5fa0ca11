// Preferences: engine, sampling defaults, appearance, the local server.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Tern

ScrollView {
    id: page
    contentWidth: availableWidth

    ColumnLayout {
        width: Math.min(page.availableWidth - 64, 640)
        x: 32
        spacing: 12

        Item { Layout.preferredHeight: 16 }
        Label { text: qsTr("Settings"); font.pixelSize: 24; font.weight: Font.DemiBold; color: Theme.text }

        Label { text: qsTr("Appearance"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text; Layout.topMargin: 8 }
        RowLayout {
            Label { text: qsTr("Theme"); color: Theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                id: themeBox
                Layout.preferredWidth: 240
                model: [qsTr("Follow the system"), qsTr("Light"), qsTr("Dark")]
                readonly property var keys: ["system", "light", "dark"]
                currentIndex: Math.max(0, keys.indexOf(AppSettings.theme))
                onActivated: (i) => AppSettings.theme = keys[i]
                Accessible.name: qsTr("Theme")
            }
        }

        Label { text: qsTr("Engine"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text; Layout.topMargin: 8 }
        RowLayout {
            Label { text: qsTr("Device"); color: Theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                id: deviceBox
                Layout.preferredWidth: 360
                // Automatic, CPU, then each Vulkan device; unusable ones stay listed with the reason.
                readonly property var devices: ModelSession.devices()
                function choices() {
                    const names = [qsTr("Automatic (best GPU, else CPU)"), qsTr("CPU")]
                    for (const d of deviceBox.devices)
                        names.push(d.name + " (" + d.type + ")" + (d.usable ? "" : qsTr(" — unavailable")))
                    return names
                }
                model: choices()
                currentIndex: AppSettings.backend === "cpu" ? 1
                            : AppSettings.backend === "vulkan" ? Math.max(0, devices.findIndex(d => d.index === AppSettings.device)) + 2
                            : 0
                onActivated: (i) => {
                    if (i === 0) { AppSettings.backend = "auto"; AppSettings.device = -1 }
                    else if (i === 1) { AppSettings.backend = "cpu"; AppSettings.device = -1 }
                    else { AppSettings.backend = "vulkan"; AppSettings.device = devices[i - 2].index }
                }
                Accessible.name: qsTr("Compute device")
            }
        }
        Label {
            readonly property var chosen: deviceBox.currentIndex >= 2 ? deviceBox.devices[deviceBox.currentIndex - 2] : null
            visible: text.length > 0
            text: chosen && !chosen.usable ? chosen.reason
                  : deviceBox.devices.length === 0 ? qsTr("No GPU: %1").arg(ModelSession.vulkanStatus() || qsTr("no Vulkan device found")) : ""
            color: Theme.warning; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        RowLayout {
            Label { text: qsTr("Threads (0 = all cores)"); color: Theme.text; Layout.preferredWidth: 200 }
            SpinBox {
                from: 0; to: 256
                value: AppSettings.threads
                onValueModified: AppSettings.threads = value
                Accessible.name: qsTr("Threads")
            }
        }
        RowLayout {
            Label { text: qsTr("Context length"); color: Theme.text; Layout.preferredWidth: 200 }
            SpinBox {
                from: 256; to: 32768; stepSize: 256
                value: AppSettings.contextLength
                editable: true
                onValueModified: AppSettings.contextLength = value
                Accessible.name: qsTr("Context length in tokens")
            }
        }
        Label {
            text: qsTr("Device, threads and context length apply the next time a model is loaded.")
            color: Theme.textMuted; font.pixelSize: 12
        }
        RowLayout {
            Label { text: qsTr("LM head"); color: Theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                objectName: "lmHeadBox"
                Layout.preferredWidth: 360
                model: [qsTr("Exact (F16, as stored)"), qsTr("8-bit Q8_0 — faster, tiny accuracy cost"),
                        qsTr("6-bit Q6_K — fastest, small accuracy cost")]
                readonly property var keys: ["f16", "q8", "q6"]
                currentIndex: Math.max(0, keys.indexOf(AppSettings.lmHead))
                onActivated: (i) => AppSettings.lmHead = keys[i]
                Accessible.name: qsTr("LM head precision")
            }
        }
        RowLayout {
            Label { text: qsTr("KV cache"); color: Theme.text; Layout.preferredWidth: 200 }
            ComboBox {
                objectName: "kvCacheBox"
                Layout.preferredWidth: 360
                model: [qsTr("F16 — half the memory"), qsTr("F32 — exact"),
                        qsTr("8-bit Q8_0 — about half of F16, small accuracy cost")]
                readonly property var keys: ["f16", "f32", "q8"]
                currentIndex: Math.max(0, keys.indexOf(AppSettings.kvCache))
                onActivated: (i) => AppSettings.kvCache = keys[i]
                Accessible.name: qsTr("KV cache precision")
            }
        }
        Label {
            text: (Metrics.headBytes > 0
                       ? qsTr("Every token reads the whole LM head (now %1, %2): Q8_0 about halves an F16 head, Q6_K takes 40%.")
                             .arg(Metrics.headType).arg(Format.bytes(Metrics.headBytes))
                       : qsTr("Every token reads the whole LM head: Q8_0 about halves an F16 head, Q6_K takes 40%."))
                  + " " + qsTr("Changing either reloads a loaded model at once; the Benchmark page uses them too. The Vulkan backend keeps an F32 KV cache.")
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        RowLayout {
            Layout.topMargin: 8
            Layout.fillWidth: true
            Label { text: qsTr("Sampling"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text; Layout.fillWidth: true }
            TButton {
                text: qsTr("Restore defaults")
                flat: true
                onClicked: AppSettings.resetSampling()
                Accessible.name: qsTr("Restore the default sampling settings")
            }
        }
        Label {
            text: qsTr("Defaults for every chat; a chat can change its own from the sliders button above the conversation.")
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        SamplingControls {
            objectName: "defaultSampling"
            Layout.fillWidth: true
            values: ({
                temperature: AppSettings.temperature, topK: AppSettings.topK, topP: AppSettings.topP,
                minP: AppSettings.minP, repeatPenalty: AppSettings.repeatPenalty,
                repeatLastN: AppSettings.repeatLastN, maxTokens: AppSettings.maxTokens
            })
            onEdited: (key, value) => AppSettings[key] = value
        }
        Label { text: qsTr("System prompt"); color: Theme.text }
        TextArea {
            Layout.fillWidth: true
            Layout.preferredHeight: 90
            text: AppSettings.systemPrompt
            placeholderText: qsTr("Optional instructions given to the model before every chat")
            wrapMode: TextEdit.Wrap
            onEditingFinished: AppSettings.systemPrompt = text
            Accessible.name: qsTr("System prompt")
            // Tab moves on, as in the message box, instead of typing a tab (which kept the focus
            // here, so Tab never reached the server settings below).
            Keys.onPressed: (event) => {
                if (event.key !== Qt.Key_Tab && event.key !== Qt.Key_Backtab) return
                const forward = event.key === Qt.Key_Tab && !(event.modifiers & Qt.ShiftModifier)
                const next = nextItemInFocusChain(forward)
                if (next) next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason)
                event.accepted = true
            }
        }

        Label { text: qsTr("Local server"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text; Layout.topMargin: 8 }
        Label {
            text: qsTr("An OpenAI-compatible server for other programs on this computer (editors, scripts, Open WebUI) that answers with the model loaded here. It listens on 127.0.0.1 only: other machines cannot connect.")
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        RowLayout {
            Label { text: qsTr("Serve the loaded model"); color: Theme.text; Layout.preferredWidth: 200 }
            Switch {
                id: serverSwitch
                objectName: "serverSwitch"
                checked: LocalServer.enabled
                onToggled: LocalServer.enabled = checked
                Accessible.name: qsTr("Local server")
                // Drawn here, as TButton is: the style's handle needs shaders that software rendering lacks.
                indicator: Rectangle {
                    implicitWidth: 40
                    implicitHeight: 22
                    x: serverSwitch.leftPadding
                    y: (serverSwitch.height - height) / 2
                    radius: height / 2
                    color: serverSwitch.checked ? Theme.accent : Theme.border
                    Rectangle {
                        x: serverSwitch.checked ? parent.width - width - 3 : 3
                        y: 3
                        width: parent.height - 6
                        height: width
                        radius: width / 2
                        color: Theme.surface
                        Behavior on x { NumberAnimation { duration: 120 } }
                    }
                }
            }
        }
        RowLayout {
            Label { text: qsTr("Port"); color: Theme.text; Layout.preferredWidth: 200 }
            TextField {
                id: portField
                objectName: "serverPort"
                Layout.preferredWidth: 120
                text: LocalServer.port
                validator: RegularExpressionValidator { regularExpression: /[0-9]{0,6}/ }
                inputMethodHints: Qt.ImhDigitsOnly
                onEditingFinished: if (!LocalServer.setPortText(text)) text = Qt.binding(() => LocalServer.port)
                Accessible.name: qsTr("Server port")
            }
        }
        RowLayout {
            Label { text: qsTr("API key (optional)"); color: Theme.text; Layout.preferredWidth: 200 }
            TextField {
                objectName: "serverApiKey"
                Layout.preferredWidth: 280
                text: LocalServer.apiKey
                echoMode: showKey.checked ? TextInput.Normal : TextInput.Password
                placeholderText: qsTr("None: no key needed")
                onEditingFinished: LocalServer.apiKey = text
                Accessible.name: qsTr("Server API key")
            }
            CheckBox { id: showKey; text: qsTr("Show"); Accessible.name: qsTr("Show the API key") }
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "serverStatus"
                text: LocalServer.statusText
                color: Theme.text
                wrapMode: Text.Wrap; Layout.fillWidth: true
            }
            TButton {
                objectName: "serverCopyUrl"
                visible: LocalServer.url.length > 0
                text: qsTr("Copy")
                icon.source: "qrc:/resources/icons/copy.svg"
                onClicked: LocalServer.copyUrl()
                Accessible.name: qsTr("Copy the server address")
            }
        }
        Label {
            objectName: "serverCounts"
            visible: text.length > 0
            text: LocalServer.countsText
            color: Theme.textMuted; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }
        Label {
            objectName: "serverError"
            visible: text.length > 0
            text: LocalServer.error
            color: Theme.warning; font.pixelSize: 12
            wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        Label { text: qsTr("Models folder"); font.pixelSize: 16; font.weight: Font.DemiBold; color: Theme.text; Layout.topMargin: 8 }
        TextField {
            Layout.fillWidth: true
            text: AppSettings.modelsDir
            onEditingFinished: AppSettings.modelsDir = text
            Accessible.name: qsTr("Models folder")
        }
        TButton {
            text: qsTr("Back to chat")
            onClicked: Navigation.page = Navigation.Chat
        }
        Item { Layout.preferredHeight: 24 }
    }
}
