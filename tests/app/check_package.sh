#!/bin/sh
# Builds the Debian package with CPack into a temporary folder (the build tree's package is left
# alone) and checks it as a user would get it: its name, the files it installs, its control fields,
# and that the packaged binary runs.
#   check_package.sh CPACK BUILD_DIR VERSION
set -eu
cpack=$1
build=$2
version=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
arch=$(dpkg --print-architecture)
deb="$tmp/tern_${version}_${arch}.deb"
[ -f "$deb" ] || { ls "$tmp"; fail "no $deb"; }

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/tern \
         ./usr/share/applications/io.github.tern.Tern.desktop \
         ./usr/share/icons/hicolor/scalable/apps/io.github.tern.Tern.svg \
         ./usr/share/metainfo/io.github.tern.Tern.metainfo.xml; do
    echo "$contents" | grep -q " $f\$" || { echo "$contents"; fail "$f is not in the package"; }
done
echo "$contents" | grep -q '^-rwxr-xr-x .* \./usr/bin/tern$' || fail "/usr/bin/tern is not executable"
# Only the app: everything under /usr/bin, /usr/share (no engine libraries, headers or tools).
stray=$(echo "$contents" | awk '{print $NF}' | grep -v -E '^\./(usr/?|usr/bin/?|usr/bin/tern|usr/share/.*)$' || true)
[ -z "$stray" ] || fail "unexpected files: $stray"

info=$(dpkg-deb -I "$deb")
field() { echo "$info" | sed -n "s/^ $1: //p"; }
[ "$(field Package)" = tern ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
for d in libqt6core6 libqt6quick6 qml6-module-qtquick-controls qml6-module-qtcharts libqt6sql6-sqlite; do
    echo "$depends" | grep -q "$d" || fail "Depends lacks $d: $depends"
done

# The packaged (stripped) binary starts; QML and icons are compiled in.
dpkg-deb -x "$deb" "$tmp/root"
out=$(QT_QPA_PLATFORM=offscreen "$tmp/root/usr/bin/tern" --version 2>&1) || fail "tern --version: $out"
echo "$out" | grep -q "$version" || fail "tern --version printed: $out"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$tmp/root/usr/share/applications/io.github.tern.Tern.desktop" || fail "desktop file"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$tmp/root/usr/share/metainfo/io.github.tern.Tern.metainfo.xml" >"$tmp/as.log" 2>&1 ||
        { cat "$tmp/as.log"; fail "metainfo"; }
fi
echo "ok: $(basename "$deb"), $(du -h "$deb" | cut -f1), Depends: $depends"
