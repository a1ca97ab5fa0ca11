#!/bin/sh
# Checks the portable tarball as a user on another distribution gets it: unpacked into a folder with
# a space in its name, the libraries resolve inside the bundle (ldd), the app starts offscreen
# loading no library of the system's Qt (LD_DEBUG), and, as root, also with the system's Qt made
# unreadable; install.sh puts a working menu entry, icons and commands into a fresh home and
# --uninstall takes them out again.
#   check_bundle.sh TARBALL VERSION SOURCE_DIR
set -eu
tarball=$1
version=$2
src=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$tarball" ] || fail "no $tarball"
command -v desktop-file-validate >/dev/null || fail "desktop-file-validate is not installed (scripts/setup.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

name=$(basename "$tarball" .tar.gz)
[ "$name" = "tern-$version-linux-$(uname -m)" ] || fail "file name $(basename "$tarball")"
mkdir "$tmp/My Apps"
tar -xzf "$tarball" -C "$tmp/My Apps"
b="$tmp/My Apps/$name"
for f in tern tern-cli install.sh bin/tern bin/tern-cli bin/qt.conf \
         plugins/platforms/libqxcb.so plugins/platforms/libqwayland-egl.so plugins/platforms/libqoffscreen.so \
         plugins/sqldrivers/libqsqlite.so plugins/imageformats/libqsvg.so plugins/iconengines/libqsvgicon.so \
         qml/QtQuick/Controls/Material/qmldir qml/QtCharts/qmldir \
         share/applications/io.github.tern.Tern.desktop share/icons/hicolor/48x48/apps/io.github.tern.Tern.png \
         share/tern/tokenizer.json share/tern/models/demo-ternary.gguf share/tern/models/demo-fp16.gguf \
         share/tern/models/demo-validation.txt share/doc/tern/README.models.md \
         share/doc/tern/copyright share/doc/tern/third-party/libqt6core6.copyright; do
    [ -e "$b/$f" ] || fail "$f is not in the bundle"
done
for f in tern tern-cli install.sh bin/tern bin/tern-cli; do [ -x "$b/$f" ] || fail "$f is not executable"; done
! ls "$b/lib" | grep -E '^lib(ssl|crypto)\.so' || fail "the bundle carries OpenSSL (above): the system's gets the security updates"
for f in demo-ternary.gguf demo-fp16.gguf demo-validation.txt; do
    cmp -s "$b/share/tern/models/$f" "$src/resources/models/$f" || fail "share/tern/models/$f differs from resources/models/$f"
done
echo "bundle: $(du -sh "$b" | cut -f1) unpacked, $(find "$b/lib" -name '*.so*' -type f | wc -l) libraries"

# What may come from the system: glibc, the C++ runtime, the graphics stack (OpenGL, EGL, X11 and
# Wayland clients, Vulkan loader), the font libraries and the compression libraries they share,
# and OpenSSL 3.
system_lib='/(ld-linux[^/]*|lib(c|m|mvec|pthread|dl|rt|resolv|util|anl|gcc_s|stdc\+\+|GL|GLX[^/]*|GLdispatch|OpenGL|EGL[^/]*|GLES[^/]*|gbm|drm[^/]*|vulkan|wayland-[a-z]+|X11|X11-xcb|Xext|Xau|Xdmcp|xcb[^/]*|fontconfig|freetype|z|zstd|expat|udev|ssl|crypto)\.so[^/]*)$'

# ldd: the programs through their RPATH, plugins and QML plugins with the bundle's lib/ as the
# library path (as the loader resolves them inside the running app). Nothing may be missing; each
# library a bundled object links directly must be the bundle's, or one of the list above (what
# those system libraries link in turn is the system's business).
check_ldd() {
    deps=$(LD_LIBRARY_PATH=${2:-} ldd "$1" 2>&1) || fail "ldd $1: $deps"
    if echo "$deps" | grep -q "not found"; then echo "$deps"; fail "$1: libraries not found"; fi
    for soname in $(objdump -p "$1" | awk '$1 == "NEEDED" && $2 !~ /^ld-linux/ { print $2 }'); do
        lib=$(echo "$deps" | awk -v n="$soname" '$1 == n && $2 == "=>" { sub(/^[^>]*> /, ""); sub(/ \(0x[0-9a-f]+\)$/, ""); print }')
        case "$lib" in
            "$b"/*) ;;
            *libQt6*|*/qt6/*) fail "$1 resolves $lib from the system" ;;
            *) echo "$lib" | grep -qE "$system_lib" || fail "$1 needs $soname ($lib) from the system: the bundle should carry it" ;;
        esac
    done
}
check_ldd "$b/bin/tern"
check_ldd "$b/bin/tern-cli"
ldd "$b/bin/tern" | grep -q "libQt6Core.so.6 => $b/bin/../lib/libQt6Core.so.6" || fail "ldd: Qt is not the bundle's"
find "$b/plugins" "$b/qml" "$b/lib" -name '*.so*' -type f | while read -r so; do check_ldd "$so" "$b/lib"; done
echo "ldd: every Qt library, plugin and QML module resolves inside the bundle"

home=$tmp/home
mkdir -p "$home" "$tmp/run"
chmod 700 "$tmp/run"
fresh() { env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen "$@"; }
is_png() { [ -s "$1" ] && [ "$(od -An -c -j1 -N3 "$1" | tr -d ' ')" = PNG ]; }

out=$(fresh "$b/tern" --version 2>&1) || fail "./tern --version: $out"
echo "$out" | grep "$version" || fail "./tern --version printed: $out"

# The app started offscreen on the bundled demo model, asked a question, under LD_DEBUG: no object
# of the system's Qt is loaded at all, and what the bundle's own objects load from the system is in
# the list above (or OpenSSL, which Qt loads for HTTPS). What system libraries load in turn (Mesa's
# Vulkan drivers when the engine looks for a GPU) is the system's.
fresh env LD_DEBUG=libs,files LD_DEBUG_OUTPUT="$tmp/ld" "$b/tern" --screenshot "$home/chat.png" \
    --prompt "What is a harbor?" "$b/share/tern/models/demo-ternary.gguf" >"$tmp/run.log" 2>&1 ||
    { cat "$tmp/run.log"; fail "./tern --screenshot --prompt"; }
is_png "$home/chat.png" || fail "no PNG from ./tern --screenshot"
# One "path<TAB>requested by" line per object loaded: the loader says which object needs or
# dlopens a name, then the files it tries; the last one tried is the one it maps.
cat "$tmp"/ld.* | awk '
    function name_of(line) { sub(/.*file=/, "", line); sub(/ \[[0-9]+\];.*/, "", line); return line }
    /trying file=/ { tried = $0; sub(/.*trying file=/, "", tried) }
    /; *(needed|dynamically loaded) by / {
        by = $0; sub(/.* by /, "", by); sub(/ \[[0-9]+\].*/, "", by)
        asked[name_of($0)] = asked[name_of($0)] "\n" by
    }
    /; *generating link map/ { n = name_of($0); path[n] = (n ~ /^\//) ? n : tried }
    END { for (n in path) { k = split(asked[n], r, "\n"); for (i = 2; i <= k; i++) print path[n] "\t" r[i] } }
' | sort -u >"$tmp/loaded"
grep -qE "^$b/(bin/\.\./)?lib/libQt6Quick\.so\.6" "$tmp/loaded" || fail "LD_DEBUG shows no Qt Quick from the bundle"
grep -q "^$b/plugins/platforms/libqoffscreen.so" "$tmp/loaded" || fail "the bundle's platform plugin was not used"
cut -f1 "$tmp/loaded" | grep -v "^$b/" | sort -u >"$tmp/outside" || true
if grep -E 'libQt6|/qt6/' "$tmp/outside"; then fail "the app loaded the system's Qt (above)"; fi
awk -F '\t' -v b="$b/" 'index($1, b) != 1 && index($2, b) == 1 { print $1 }' "$tmp/loaded" | sort -u |
    grep -vE "$system_lib" && fail "the bundle loaded the libraries above from the system"
echo "LD_DEBUG: $(cut -f1 "$tmp/loaded" | grep -c "^$b/") objects from the bundle; from the system: $(sed 's|.*/||' "$tmp/outside" | tr '\n' ' ')"

# As root, where mount namespaces are allowed: the system's Qt libraries, plugins and QML made
# unreadable (each bound over by /dev/null or an empty folder), and the bundle still runs.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    mkdir "$tmp/empty"
    fresh unshare -m sh -c '
        for f in /usr/lib/*/libQt6* /usr/lib/libQt6* /usr/lib64/libQt6*; do
            [ -f "$f" ] && [ ! -L "$f" ] && mount --bind /dev/null "$f"
        done
        for d in /usr/lib/*/qt6 /usr/lib/qt6; do [ -d "$d" ] && mount --bind "$1" "$d"; done
        "$2/tern" --screenshot "$3" && "$2/tern-cli" info "$2/share/tern/models/demo-ternary.gguf"
    ' sh "$tmp/empty" "$b" "$home/hidden.png" >"$tmp/hidden.log" 2>&1 || { cat "$tmp/hidden.log"; fail "the bundle does not run with the system's Qt hidden"; }
    is_png "$home/hidden.png" || fail "no PNG with the system's Qt hidden"
    echo "ran with the system's Qt hidden (mount namespace)"
else
    echo "not root or no mount namespaces: the run with the system's Qt hidden is skipped (LD_DEBUG above still checks)"
fi

# install.sh: a menu entry that validates and starts the bundle, the icons, the commands.
fresh sh "$b/install.sh" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "install.sh"; }
entry=$home/.local/share/applications/io.github.tern.Tern.desktop
[ -f "$entry" ] || fail "install.sh made no desktop entry"
dfv=$(desktop-file-validate "$entry" 2>&1) || fail "desktop-file-validate: $dfv"
[ -z "$dfv" ] || fail "desktop-file-validate: $dfv"
grep -qx "Exec=\"$b/tern\" %f" "$entry" || fail "Exec line: $(grep ^Exec "$entry")"
exe=$(sed -n 's/^Exec="\(.*\)" %f$/\1/p' "$entry")
fresh "$exe" --version >/dev/null 2>&1 || fail "the menu entry's command does not start"
for size in 16 48 256 scalable; do
    ls "$home/.local/share/icons/hicolor/"*"$size"*/apps/io.github.tern.Tern.* >/dev/null 2>&1 || fail "no $size icon installed"
done
out=$(fresh "$home/.local/bin/tern-cli" info "$b/share/tern/models/demo-ternary.gguf" 2>&1) || fail "~/.local/bin/tern-cli: $out"
fresh "$home/.local/bin/tern" --version | grep -q "$version" || fail "~/.local/bin/tern --version"
echo "install.sh: menu entry, $(find "$home/.local/share/icons" -type f | wc -l) icons, ~/.local/bin/tern and tern-cli"

fresh sh "$b/install.sh" --uninstall >"$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; fail "install.sh --uninstall"; }
left=$(find "$home/.local" "$home/.config" -type f -o -type l 2>/dev/null | grep -v -E "^$home/\.local/share/Tern/|^$home/\.config/Tern/" || true)
[ -z "$left" ] || fail "install.sh --uninstall left: $left"
[ -f "$home/.local/share/Tern/tern.sqlite" ] || fail "install.sh --uninstall removed the user's chats"
echo "ok: $(basename "$tarball"), $(du -h "$tarball" | cut -f1)"
