#!/bin/sh
# Checks the Debian package as Debian's tools and a user see it: its files, control fields, the
# packaged programs starting, and lintian, desktop-file-validate and appstreamcli finding nothing.
#   check_deb.sh DEB VERSION SOURCE_DIR QT_QML_DIR
set -eu
deb=$1
version=$2
src=$3
qml=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "$1 is not installed (scripts/setup.sh installs $2)"; }
need dpkg-deb dpkg
need lintian lintian
need desktop-file-validate desktop-file-utils
need appstreamcli appstream

[ -f "$deb" ] || fail "no $deb"
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "tern_${version}_${arch}.deb" ] || fail "file name $(basename "$deb")"

id=io.github.tern.Tern
contents=$(dpkg-deb -c "$deb")
icons=""
for size in 16 22 24 32 48 64 128 256 512; do icons="$icons ./usr/share/icons/hicolor/${size}x${size}/apps/$id.png"; done
for f in ./usr/bin/tern ./usr/bin/tern-cli \
         ./usr/share/applications/$id.desktop ./usr/share/metainfo/$id.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/$id.svg $icons \
         ./usr/share/man/man1/tern.1.gz ./usr/share/man/man1/tern-cli.1.gz \
         ./usr/share/doc/tern/copyright ./usr/share/doc/tern/changelog.gz ./usr/share/doc/tern/README.models.md \
         ./usr/share/tern/tokenizer.json ./usr/share/tern/models/demo-ternary.gguf \
         ./usr/share/tern/models/demo-fp16.gguf ./usr/share/tern/models/demo-validation.txt; do
    echo "$contents" | grep -q " $f\$" || { echo "$contents"; fail "$f is not in the package"; }
done
for f in tern tern-cli; do
    echo "$contents" | grep -q "^-rwxr-xr-x .* \./usr/bin/$f\$" || fail "/usr/bin/$f is not executable"
done
# Only the app: everything under /usr/bin and /usr/share (no engine libraries, headers or tools).
stray=$(echo "$contents" | awk '{print $NF}' | grep -v -E '^\./(usr/?|usr/bin/?|usr/bin/tern|usr/bin/tern-cli|usr/share/.*)$' || true)
[ -z "$stray" ] || fail "unexpected files: $stray"

info=$(dpkg-deb -I "$deb")
field() { echo "$info" | sed -n "s/^ $1: //p"; }
[ "$(field Package)" = tern ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
for d in libqt6core6 libqt6quick6 qml6-module-qtquick-controls qml6-module-qtcharts libqt6sql6-sqlite libvulkan1; do
    echo "$depends" | grep -q "$d" || fail "Depends lacks $d: $depends"
done
# Every QML module the app's QML imports comes from a package in Depends: dpkg-shlibdeps sees only
# linked libraries, and a missing module stops the app on a user's system ("module ... is not
# installed"). Tern is the app's own module, compiled in.
for module in $(sed -n 's/^import \([A-Za-z][A-Za-z0-9.]*\).*/\1/p' "$src"/ui/*.qml | sort -u); do
    [ "$module" != Tern ] || continue
    qmldir=$qml/$(echo "$module" | tr . /)/qmldir
    owner=$(dpkg-query -S "$qmldir" 2>/dev/null | cut -d: -f1)
    [ -n "$owner" ] || fail "the QML module $module ($qmldir) is in no package"
    echo ", $depends," | grep -qF ", $owner," || echo ", $depends," | grep -qF ", $owner (" ||
        fail "the app imports $module, from $owner, which Depends lacks"
done
dpkg-deb -f "$deb" Description | awk 'length > 80 { print; bad = 1 } END { exit bad }' ||
    fail "Description lines longer than 80 columns"

dpkg-deb -x "$deb" "$tmp/root"
r=$tmp/root
# The version is stated in four places; a release bump must reach all of them.
[ "$(zcat "$r/usr/share/doc/tern/changelog.gz" | head -1)" = "tern ($version) unstable; urgency=medium" ] ||
    fail "changelog.gz does not start with $version: $(zcat "$r/usr/share/doc/tern/changelog.gz" | head -1)"
grep -q "<release version=\"$version\"" "$r/usr/share/metainfo/$id.metainfo.xml" ||
    fail "the metainfo has no <release> for $version"
zcat "$r/usr/share/man/man1/tern.1.gz" | head -1 | grep -q "\"Tern $version\"" || fail "tern.1 is not for $version"

# The demo models and their held-out text are the source tree's (resources/models), byte for byte.
for f in demo-ternary.gguf demo-fp16.gguf demo-validation.txt; do
    cmp -s "$r/usr/share/tern/models/$f" "$src/resources/models/$f" || fail "/usr/share/tern/models/$f differs from resources/models/$f"
done
cmp -s "$r/usr/share/doc/tern/README.models.md" "$src/resources/models/README.md" || fail "README.models.md differs"

# Each screenshot the metainfo shows software centres is in the source tree (resources/screenshots,
# what the URLs on the main branch serve) at the size it declares.
meta=$r/usr/share/metainfo/$id.metainfo.xml
shots=$(sed -n 's|.*<image type="source" width="\([0-9]*\)" height="\([0-9]*\)">.*/resources/screenshots/\([^<]*\)</image>.*|\3 \1x\2|p' "$meta")
[ "$(echo "$shots" | grep -c .)" -eq "$(grep -c '<image' "$meta")" ] || fail "metainfo images outside resources/screenshots: $(grep '<image' "$meta")"
echo "$shots" | while read -r shot size; do
    png=$src/resources/screenshots/$shot
    [ -f "$png" ] || fail "the metainfo shows $shot, which is not in resources/screenshots"
    wh=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }')
    [ "$wh" = "$size" ] || fail "resources/screenshots/$shot is $wh, the metainfo says $size"
done

# Each PNG icon is as large as its folder says (the width and height in the PNG header).
for size in 16 22 24 32 48 64 128 256 512; do
    png=$r/usr/share/icons/hicolor/${size}x${size}/apps/$id.png
    wh=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }')
    [ "$wh" = "${size}x${size}" ] || fail "$png is $wh"
done

# The packaged (stripped) programs start; QML and icons are compiled in.
out=$(QT_QPA_PLATFORM=offscreen HOME=$tmp XDG_RUNTIME_DIR=$tmp "$r/usr/bin/tern" --version 2>&1) ||
    fail "tern --version: $out"
echo "$out" | grep -q "$version" || fail "tern --version printed: $out"
"$r/usr/bin/tern-cli" info "$r/usr/share/tern/models/demo-ternary.gguf" >"$tmp/info.txt" 2>&1 ||
    { cat "$tmp/info.txt"; fail "tern-cli info on the packaged demo model"; }

# Debian's and freedesktop's checkers: nothing to report (desktop-file-validate prints hints and
# still exits 0, so its output must be empty).
dfv=$(desktop-file-validate "$r/usr/share/applications/$id.desktop" 2>&1) || fail "desktop-file-validate: $dfv"
[ -z "$dfv" ] || fail "desktop-file-validate: $dfv"
appstreamcli validate --no-net "$r/usr/share/metainfo/$id.metainfo.xml" >"$tmp/as.log" 2>&1 ||
    { cat "$tmp/as.log"; fail "appstreamcli validate"; }
echo "appstreamcli: $(tail -1 "$tmp/as.log")"
# lintian: errors and warnings fail; info and pedantic tags are printed for the record.
lintian --display-info --pedantic --fail-on error,warning "$deb" >"$tmp/lintian.log" 2>&1 || { cat "$tmp/lintian.log"; fail "lintian"; }
grep -v "running with root privileges" "$tmp/lintian.log" || true
echo "ok: $(basename "$deb"), $(du -h "$deb" | cut -f1), Depends: $depends"
