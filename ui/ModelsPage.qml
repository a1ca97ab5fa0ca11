// Model library (installed files, import, delete, disk usage) and the catalog with downloads.
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Tern

ScrollView {
    id: page
    contentWidth: availableWidth
    readonly property var dl: ModelSources.downloads

    function duration(s) {
        if (s < 0) return "—"
        if (s < 60) return Math.round(s) + " s"
        if (s < 3600) return Math.round(s / 60) + " min"
        return (s / 3600).toFixed(1) + " h"
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: ModelSources.importModel(selectedFile)
    }
    Dialog {
        id: deleteDialog
        property string path
        property string name
        property bool external
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: external ? qsTr("Remove from library?") : qsTr("Delete model?")
        standardButtons: Dialog.Yes | Dialog.Cancel
        Label {
            width: 360; wrapMode: Text.Wrap
            text: deleteDialog.external ? qsTr("\"%1\" is forgotten; the file stays where it is.").arg(deleteDialog.name)
                                        : qsTr("\"%1\" will be deleted from disk.").arg(deleteDialog.name)
        }
        onAccepted: Library.remove(path)
    }

    ColumnLayout {
        width: Math.min(page.availableWidth - 64, 860)
        x: 32
        spacing: 12

        Item { Layout.preferredHeight: 16 }
        RowLayout {
            Layout.fillWidth: true
            Label { text: qsTr("Models"); font.pixelSize: 24; font.weight: Font.DemiBold; color: Theme.text; Layout.fillWidth: true }
            TButton { text: qsTr("Import file…"); icon.source: "qrc:/resources/icons/folder.svg"; onClicked: importDialog.open() }
        }
        Label {
            text: qsTr("%1 installed · %2 on disk · folder %3").arg(Library.count)
                      .arg(Format.bytes(Library.totalBytes)).arg(AppSettings.modelsDir)
            color: Theme.textMuted; font.pixelSize: 12
            elide: Text.ElideMiddle; Layout.fillWidth: true
        }

        Repeater {
            model: Library
            delegate: Rectangle {
                id: entry
                required property string path
                required property string name
                required property string arch
                required property string ternaryType
                required property double fileBytes
                required property double ramBytes
                required property bool ok
                required property string error
                required property bool external
                required property bool benchmark
                required property string chatTemplate
                required property string chatTemplateNote
                Layout.fillWidth: true
                implicitHeight: libRow.implicitHeight + 24
                radius: Theme.radius
                color: Theme.surface
                border.color: ModelSession.model.path === entry.path ? Theme.accent : Theme.border
                RowLayout {
                    id: libRow
                    anchors.fill: parent; anchors.margins: 12
                    spacing: 12
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        RowLayout {
                            Label { text: entry.name; color: Theme.text; font.weight: Font.DemiBold; elide: Text.ElideRight; Layout.maximumWidth: 420 }
                            Badge { visible: entry.benchmark; text: qsTr("BENCHMARK · RANDOM WEIGHTS"); tint: Theme.warning }
                            Badge { visible: ModelSession.model.path === entry.path; text: qsTr("LOADED"); tint: Theme.accent }
                        }
                        Label {
                            text: entry.ok ? qsTr("%1 · %2 · %3 file · needs ≈ %4 RAM").arg(entry.arch).arg(entry.ternaryType)
                                           .arg(Format.bytes(entry.fileBytes)).arg(Format.bytes(entry.ramBytes))
                                     : entry.error
                            color: entry.ok ? Theme.textMuted : Theme.danger; font.pixelSize: 12
                            wrapMode: Text.Wrap; Layout.fillWidth: true
                        }
                        // Which prompt format the chat uses, and the user's choice of another.
                        RowLayout {
                            visible: entry.ok
                            spacing: 8
                            Label { text: qsTr("Chat template"); color: Theme.textMuted; font.pixelSize: 12 }
                            ComboBox {
                                objectName: "chatTemplateChoice"
                                property string modelPath: entry.path
                                model: Library.chatTemplateChoices
                                textRole: "title"
                                valueRole: "name"
                                currentIndex: count > 0 ? indexOfValue(entry.chatTemplate) : -1
                                onActivated: Library.setChatTemplate(entry.path, currentValue)
                                Accessible.name: qsTr("Chat template of %1").arg(entry.name)
                            }
                            Label {
                                objectName: "chatTemplateNote"
                                text: entry.chatTemplateNote
                                color: Theme.textMuted; font.pixelSize: 12
                                wrapMode: Text.Wrap; Layout.fillWidth: true
                            }
                        }
                        Label { text: entry.path; color: Theme.textMuted; font.pixelSize: 11; elide: Text.ElideMiddle; Layout.fillWidth: true }
                    }
                    TButton {
                        text: qsTr("Load"); primary: true
                        enabled: entry.ok && ModelSession.model.path !== entry.path && ModelSession.state !== ModelSession.Loading
                        onClicked: { Navigation.page = Navigation.Chat; ModelSession.load(entry.path) }
                        Accessible.name: qsTr("Load %1").arg(entry.name)
                    }
                    TButton {
                        icon.source: "qrc:/resources/icons/trash.svg"
                        flat: true
                        enabled: ModelSession.model.path !== entry.path
                        onClicked: { deleteDialog.path = entry.path; deleteDialog.name = entry.name; deleteDialog.external = entry.external; deleteDialog.open() }
                        Accessible.name: entry.external ? qsTr("Remove %1 from the library").arg(entry.name) : qsTr("Delete %1").arg(entry.name)
                        ToolTip.visible: hovered; ToolTip.text: entry.external ? qsTr("Remove from library") : qsTr("Delete")
                    }
                }
            }
        }
        Label {
            visible: Library.count === 0
            text: qsTr("No models yet. Download one below, import a file, or create a benchmark model from the welcome page.")
            color: Theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true
        }

        Label { text: qsTr("Catalog"); font.pixelSize: 18; font.weight: Font.DemiBold; color: Theme.text; Layout.topMargin: 12 }
        Repeater {
            model: ModelSources.catalog
            delegate: Rectangle {
                id: catalogEntry
                required property var modelData
                required property int index
                readonly property bool active: page.dl.fileName === catalogEntry.modelData.file
                                               && ["checking", "downloading", "paused", "verifying", "failed"].indexOf(page.dl.state) >= 0
                Layout.fillWidth: true
                implicitHeight: catCol.implicitHeight + 24
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                ColumnLayout {
                    id: catCol
                    anchors.fill: parent; anchors.margins: 12
                    spacing: 6
                    RowLayout {
                        Layout.fillWidth: true
                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2
                            RowLayout {
                                Label { text: catalogEntry.modelData.name; color: Theme.text; font.weight: Font.DemiBold }
                                Badge { visible: catalogEntry.modelData.official; text: qsTr("OFFICIAL"); tint: Theme.accent }
                            }
                            Label {
                                text: qsTr("%1 · %2 · %3 parameters · %4 · licence %5").arg(catalogEntry.modelData.publisher).arg(catalogEntry.modelData.ternaryType)
                                          .arg(catalogEntry.modelData.parameters).arg(Format.bytes(catalogEntry.modelData.bytes)).arg(catalogEntry.modelData.licence)
                                color: Theme.textMuted; font.pixelSize: 12
                            }
                            Label { text: catalogEntry.modelData.description; color: Theme.textMuted; font.pixelSize: 12; wrapMode: Text.Wrap; Layout.fillWidth: true }
                            // After a download: what its bytes were checked against.
                            Label {
                                objectName: "downloadVerification"
                                visible: page.dl.fileName === catalogEntry.modelData.file && page.dl.state === "done"
                                text: page.dl.verification === "catalog" ? qsTr("Downloaded and verified against the published SHA-256.")
                                    : page.dl.verification === "server" ? qsTr("Downloaded and verified against the server's SHA-256 (X-Linked-Etag).")
                                    : qsTr("Downloaded; not verified: no hash published.")
                                color: page.dl.verification === "none" ? Theme.warning : Theme.textMuted
                                font.pixelSize: 12; wrapMode: Text.Wrap; Layout.fillWidth: true
                            }
                        }
                        TButton {
                            visible: !catalogEntry.active
                            text: qsTr("Download"); primary: true
                            icon.source: "qrc:/resources/icons/download.svg"
                            onClicked: ModelSources.download(catalogEntry.index)
                            Accessible.name: qsTr("Download %1").arg(catalogEntry.modelData.name)
                        }
                    }
                    ColumnLayout {
                        visible: catalogEntry.active
                        Layout.fillWidth: true
                        ProgressBar {
                            Layout.fillWidth: true
                            // Without an exact size in the catalog, its rounded size is the scale.
                            from: 0; to: Math.max(1, page.dl.totalBytes > 0 ? page.dl.totalBytes : catalogEntry.modelData.bytes)
                            value: page.dl.receivedBytes
                            indeterminate: page.dl.state === "verifying"
                            Accessible.name: qsTr("Download progress")
                        }
                        RowLayout {
                            Label {
                                Layout.fillWidth: true
                                color: page.dl.state === "failed" ? Theme.danger : Theme.textMuted; font.pixelSize: 12
                                wrapMode: Text.Wrap
                                objectName: "downloadStatus"
                                text: page.dl.state === "failed" ? page.dl.error
                                    : page.dl.retryStatus !== "" ? page.dl.retryStatus
                                    : page.dl.state === "checking" ? qsTr("Checking the part already downloaded…")
                                    : page.dl.state === "verifying" ? qsTr("Verifying SHA-256…")
                                    : qsTr("%1 of %2 · %3/s · %4 left%5").arg(Format.bytes(page.dl.receivedBytes))
                                          .arg(page.dl.totalBytes > 0 ? Format.bytes(page.dl.totalBytes) : "≈ " + Format.bytes(catalogEntry.modelData.bytes))
                                          .arg(Format.bytes(page.dl.bytesPerSecond))
                                          .arg(page.duration(page.dl.etaSeconds))
                                          .arg(page.dl.state === "paused" ? qsTr(" · paused") : page.dl.attempt > 0 ? qsTr(" · retry %1").arg(page.dl.attempt) : "")
                            }
                            TButton {
                                objectName: "downloadResume"
                                text: page.dl.state === "downloading" || page.dl.state === "checking" ? qsTr("Pause")
                                    : page.dl.state === "failed" && page.dl.receivedBytes === 0 ? qsTr("Retry") : qsTr("Resume")
                                onClicked: page.dl.state === "downloading" || page.dl.state === "checking" ? page.dl.pause() : ModelSources.download(catalogEntry.index)
                            }
                            TButton { text: qsTr("Cancel"); flat: true; onClicked: page.dl.cancel() }
                        }
                    }
                }
            }
        }
        Item { Layout.preferredHeight: 24 }
    }
}
