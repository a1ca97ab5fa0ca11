// Colours, radius and fonts in one place, light and dark, for every view of the module.
pragma Singleton
import QtQuick
import Tern

QtObject {
    readonly property bool dark: AppSettings.dark
    readonly property color accent: dark ? "#2dd4bf" : "#0d9488"
    readonly property color background: dark ? "#14171c" : "#f6f7f9"
    readonly property color surface: dark ? "#1c2027" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#232830" : "#eef1f4"
    readonly property color border: dark ? "#2c323c" : "#dde2e8"
    readonly property color text: dark ? "#e6e9ee" : "#1b1f24"
    readonly property color textMuted: dark ? "#9aa4b2" : "#5b6572"
    readonly property color userBubble: dark ? "#173b38" : "#d9f3ef"
    readonly property color warning: dark ? "#fbbf24" : "#b45309"
    readonly property color danger: dark ? "#f87171" : "#b91c1c"
    readonly property color dangerBackground: dark ? "#3b1d1d" : "#fde8e8"
    readonly property color estimate: dark ? "#c4b5fd" : "#6d28d9"
    readonly property color codeBackground: dark ? "#0f1217" : "#f6f8fa"
    readonly property color codeHeader: dark ? "#1a1f27" : "#eaeef2"
    readonly property color fp16: dark ? "#f0a35e" : "#c2620f"   // the FP16 baseline in charts
    readonly property color twin: dark ? "#60a5fa" : "#1d4ed8"   // the separately trained FP16 twin
    readonly property color link: dark ? "#7dd3fc" : "#0369a1"       // links in answers (WCAG AA on background and surfaces)
    readonly property color quoteBox: dark ? "#20252d" : "#e8ecf0"   // behind a block quote in answers
    readonly property color quoteBar: dark ? "#5b6572" : "#aab3bf"   // the bar at the quote's side
    readonly property color focusRing: dark ? "#93c5fd" : "#1d4ed8"  // keyboard focus, on every surface
    readonly property int radius: 10
    readonly property string mono: "monospace"
}
