// The main window: sidebar, the page in the middle (welcome / loading / chat), metrics on the right.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

ApplicationWindow {
    id: window
    width: 1320
    height: 820
    minimumWidth: 900
    minimumHeight: 560
    visible: true
    title: app.modelInfo.name ? qsTr("Tern — %1").arg(app.modelInfo.name) : qsTr("Tern")

    // chat | models | benchmark | settings
    property string currentPage: "chat"
    readonly property bool dark: app.settings.theme === "dark" || (app.settings.theme === "system" && systemDark)

    Material.theme: dark ? Material.Dark : Material.Light
    Material.accent: theme.accent
    Material.primary: theme.accent
    color: theme.background

    // Colours in one place; components reach it by id through the context chain.
    QtObject {
        id: theme
        readonly property color accent: window.dark ? "#2dd4bf" : "#0d9488"
        readonly property color background: window.dark ? "#14171c" : "#f6f7f9"
        readonly property color surface: window.dark ? "#1c2027" : "#ffffff"
        readonly property color surfaceAlt: window.dark ? "#232830" : "#eef1f4"
        readonly property color border: window.dark ? "#2c323c" : "#dde2e8"
        readonly property color text: window.dark ? "#e6e9ee" : "#1b1f24"
        readonly property color textMuted: window.dark ? "#9aa4b2" : "#5b6572"
        readonly property color userBubble: window.dark ? "#173b38" : "#d9f3ef"
        readonly property color warning: window.dark ? "#fbbf24" : "#b45309"
        readonly property color danger: window.dark ? "#f87171" : "#b91c1c"
        readonly property color estimate: window.dark ? "#c4b5fd" : "#6d28d9"
        readonly property color codeBackground: window.dark ? "#0f1217" : "#f6f8fa"
        readonly property color codeHeader: window.dark ? "#1a1f27" : "#eaeef2"
        readonly property color fp16: window.dark ? "#f0a35e" : "#c2620f"   // the FP16 baseline in charts
        readonly property bool dark: window.dark
        readonly property int radius: 10
        readonly property string mono: "monospace"
    }

    Shortcut {
        sequences: ["Ctrl+N"]
        onActivated: app.newChat()
    }
    // Esc stops an answer wherever the focus is (the composer handles it too).
    Shortcut {
        sequences: ["Esc"]
        enabled: app.generating
        onActivated: app.stop()
    }
    Shortcut {
        sequences: ["Ctrl+,"]
        onActivated: window.currentPage = "settings"
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            Layout.fillHeight: true
            Layout.preferredWidth: 248
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: theme.border }

        Loader {
            id: centre
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: window.currentPage === "settings" ? settingsPage
                           : window.currentPage === "models" ? modelsPage
                           : window.currentPage === "benchmark" ? benchmarkPage
                           : app.state === "ready" ? chatPage
                           : app.state === "loading" ? loadingPage : welcomePage
        }

        Rectangle {
            Layout.fillHeight: true; width: 1; color: theme.border
            visible: metricsPanel.visible
        }

        MetricsPanel {
            id: metricsPanel
            Layout.fillHeight: true
            Layout.preferredWidth: 340
            visible: app.state === "ready" && window.currentPage === "chat" && window.width > 1080
        }
    }

    Component { id: welcomePage; WelcomePage {} }
    Component { id: loadingPage; LoadingPage {} }
    Component { id: chatPage; ChatView {} }
    Component { id: settingsPage; SettingsPage {} }
    Component { id: modelsPage; ModelsPage {} }
    Component { id: benchmarkPage; BenchmarkPage {} }

    // Errors from the engine or files, in words, dismissable.
    ErrorBanner {
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottomMargin: 24
    }
}
