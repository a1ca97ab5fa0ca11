// First run, or no model open: three ways to get a model.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tern

Item {
    FileDialog {
        id: importDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: ModelSources.importModel(selectedFile)
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(parent.width - 64, 860)
            x: (parent.width - width) / 2
            spacing: 18

            Item { Layout.preferredHeight: 40 }
            Image {
                source: "qrc:/resources/icons/tern.svg"
                sourceSize.width: 72; sourceSize.height: 72
                Layout.alignment: Qt.AlignHCenter
                Accessible.ignored: true
            }
            Label {
                text: qsTr("Welcome to Tern")
                font.pixelSize: 30; font.weight: Font.DemiBold
                color: Theme.text
                Layout.alignment: Qt.AlignHCenter
            }
            Label {
                text: qsTr("Chat with BitNet b1.58 ternary models on your own computer, and watch what every token costs.")
                color: Theme.textMuted; font.pixelSize: 15
                wrapMode: Text.Wrap; horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
            }
            Item { Layout.preferredHeight: 8 }

            // The bundled demo model first: it answers offline, right away, with real (if small) weights.
            WelcomeCard {
                objectName: "bundledModelCard"
                Layout.fillHeight: false
                visible: ModelSources.bundledModelPath !== ""
                title: qsTr("Start with the bundled demo model")
                body: qsTr("Bundled, %1, no download. A small BitNet b1.58 model trained for Tern on WordNet's dictionary glosses, with an FP16 twin for quality comparison. Expect short, dictionary-like answers to \u201cWhat is \u2026?\u201d questions, often wrong: it has 6 million parameters, not billions.")
                      .arg(Format.bytes(ModelSources.bundledModelBytes))
                iconName: "chat"
                actionText: qsTr("Open the demo model")
                highlighted: true
                onActivated: ModelSources.openBundledModel()
            }

            GridLayout {
                Layout.fillWidth: true
                columns: width > 760 ? 3 : 1
                columnSpacing: 14; rowSpacing: 14

                WelcomeCard {
                    title: qsTr("Download the official model")
                    body: qsTr("Microsoft BitNet b1.58 2B4T (I2_S), 1.19 GB, MIT licence. Checked with SHA-256 before use.")
                    iconName: "download"
                    actionText: ModelSources.downloads.state === "downloading"
                                ? qsTr("Downloading… %1%").arg(Math.round(100 * ModelSources.downloads.receivedBytes / Math.max(1, ModelSources.downloads.totalBytes)))
                                : qsTr("Download")
                    busy: ModelSources.downloads.state === "downloading" || ModelSources.downloads.state === "checking"
                    onActivated: { ModelSources.download(0); Navigation.page = Navigation.Models }
                }
                WelcomeCard {
                    title: qsTr("Open a model file")
                    body: qsTr("Any BitNet b1.58 GGUF you already have (I2_S, TQ1_0, TQ2_0). It is checked before it is used.")
                    iconName: "folder"
                    actionText: qsTr("Choose file…")
                    onActivated: importDialog.open()
                }
                // Progress shows where the model being made was asked for: here for 2B4T, on the
                // line below for the small one (one is made at a time, so both wait meanwhile).
                WelcomeCard {
                    objectName: "benchmarkModelCard"
                    title: qsTr("Create a benchmark model")
                    body: qsTr("A 2B4T-shaped model with random weights, made here in seconds, no network. For speed and energy comparison only: its answers are gibberish.")
                    iconName: "bolt"
                    actionText: ModelSources.creatingPreset === "2b4t" ? qsTr("Creating… %1%").arg(Math.round(ModelSources.creationProgress * 100))
                                                                       : qsTr("Create")
                    busy: ModelSources.creatingPreset !== ""
                    highlighted: ModelSources.bundledModelPath === ""
                    onActivated: ModelSources.createBenchmarkModel("2b4t")
                }
            }

            Label {
                objectName: "smallModelLine"
                readonly property bool creating: ModelSources.creatingPreset === "small"
                text: creating ? qsTr("Creating the small benchmark model… %1%").arg(Math.round(ModelSources.creationProgress * 100))
                               : qsTr("Just want a quick look? <a href=\"small\">Create a small benchmark model</a> (about 140 MB, loads in a second).")
                color: Theme.textMuted
                textFormat: Text.StyledText
                linkColor: Theme.accent
                onLinkActivated: ModelSources.createBenchmarkModel("small")
                Layout.alignment: Qt.AlignHCenter
                Accessible.role: creating ? Accessible.StaticText : Accessible.Link
                Accessible.name: creating ? text : qsTr("Create a small benchmark model")
            }
            Item { Layout.preferredHeight: 24 }
        }
    }
}
