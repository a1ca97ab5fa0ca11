// The main window: sidebar, the page in the middle (welcome / loading / chat), metrics on the right.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtQuick.Templates as T
import Tern

ApplicationWindow {
    id: window
    width: 1320
    height: 820
    minimumWidth: 900
    minimumHeight: 560
    visible: true
    title: ModelSession.model.name ? qsTr("Tern — %1").arg(ModelSession.model.name) : qsTr("Tern")

    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    color: Theme.background

    Shortcut {
        sequences: ["Ctrl+N"]
        onActivated: Conversations.newChat()
    }
    Shortcut {
        // Ctrl+Q everywhere (Qt reads Ctrl as Command on macOS): what StandardKey.Quit is on
        // Linux and macOS, and Windows has no standard Quit key.
        sequence: "Ctrl+Q"
        context: Qt.ApplicationShortcut
        onActivated: Qt.quit()
    }
    // Esc stops an answer wherever the focus is (the composer handles it too).
    Shortcut {
        sequences: ["Esc"]
        enabled: Conversations.generating
        onActivated: Conversations.stop()
    }
    Shortcut {
        sequences: ["Ctrl+,"]
        onActivated: Navigation.page = Navigation.Settings
    }

    // Below this width the live profile starts closed, leaving the chat its room; the chat's
    // profile button brings it back.
    readonly property bool wide: width > 1080
    onWideChanged: Navigation.profileOpen = wide
    Component.onCompleted: Navigation.profileOpen = wide

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            objectName: "sidebar"
            Layout.fillHeight: true
            Layout.preferredWidth: 248
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        Loader {
            id: centre
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: Navigation.page === Navigation.Settings ? settingsPage
                           : Navigation.page === Navigation.Models ? modelsPage
                           : Navigation.page === Navigation.Benchmark ? benchmarkPage
                           : ModelSession.state === ModelSession.Ready ? chatPage
                           : ModelSession.state === ModelSession.Loading ? loadingPage : welcomePage
        }

        Rectangle {
            Layout.fillHeight: true; width: 1; color: Theme.border
            visible: metricsPanel.visible
        }

        MetricsPanel {
            id: metricsPanel
            Layout.fillHeight: true
            Layout.preferredWidth: 340
            objectName: "metricsPanel"
            visible: ModelSession.state === ModelSession.Ready && Navigation.page === Navigation.Chat && Navigation.profileOpen
        }
    }

    Component { id: welcomePage; WelcomePage {} }
    Component { id: loadingPage; LoadingPage {} }
    Component { id: chatPage; ChatView {} }
    Component { id: settingsPage; SettingsPage {} }
    Component { id: modelsPage; ModelsPage {} }
    Component { id: benchmarkPage; BenchmarkPage {} }

    // Keyboard focus on every page (switches, boxes, fields, sliders...): one more ring, moved into
    // whichever control has the focus, unless it carries its own (buttons). A child of the control,
    // not an overlay, so it scrolls and moves with it.
    FocusRing { id: sharedRing }
    // Set, not bound: moving the ring changes the children the search looks at.
    onActiveFocusItemChanged: sharedRing.parent = ringTarget(activeFocusItem)
    // The control the focused item belongs to (a SpinBox for its text, say), or null.
    function ringTarget(item) {
        for (let i = item; i !== null; i = i.parent) {
            if ((i as T.Control) === null && (i as T.TextField) === null && (i as T.TextArea) === null) continue
            for (let c = 0; c < i.children.length; ++c)
                if (i.children[c].objectName === "focusRing" && i.children[c] !== sharedRing) return null
            return i
        }
        return null
    }

    // Errors from the engine or files, in words, dismissable.
    ErrorBanner {
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottomMargin: 24
    }
}
