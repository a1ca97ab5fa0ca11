#!/bin/sh
# Installs the .deb with apt as the README tells users to, runs the installed programs with a fresh
# home and a clean environment, removes the package, and checks that nothing is left on the system
# but the user's own data. Needs root (CI runs as root); skipped otherwise.
#   install_deb.sh DEB VERSION
set -eu
deb=$(readlink -f "$1")
version=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root; run the package tests as root (CI does)"
command -v apt-get >/dev/null || skip "no apt-get: not a Debian or Ubuntu system"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed (scripts/setup.sh installs it)"
[ -f "$deb" ] || fail "no $deb"

# One install test at a time on a machine several checkouts share, and never over a real install.
exec 9>/var/lock/tern-package-test.lock
flock 9
if dpkg-query -W -f='${Status}' tern 2>/dev/null | grep -q "ok installed"; then
    skip "a tern package is installed on this system already; not replacing it"
fi

tmp=$(mktemp -d)
installed=""
cleanup() {
    [ -z "$installed" ] || apt-get remove -y -qq tern >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
# Where a package may put files (caches and logs of apt and dpkg themselves are not compared).
snapshot() {
    find /usr /etc /opt /var/lib -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/ucf \) -prune \
        -o -print 2>/dev/null | sort >"$1"
}
snapshot "$tmp/before"

apt() { DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300 "$@"; }
echo "== apt-get install $(basename "$deb")"
apt install --no-install-recommends "$deb" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "apt-get install"; }
installed=yes
grep -E "^(Setting up|Unpacking|The following NEW)" "$tmp/install.log" || true
[ "$(dpkg-query -W -f='${Version}' tern)" = "$version" ] || fail "dpkg does not list tern $version"

# The installed programs, as a new user would start them: a fresh home, nothing from this shell.
home=$tmp/home
mkdir -p "$home" "$tmp/run"
chmod 700 "$tmp/run"
fresh() { env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen "$@"; }
is_png() { [ -s "$1" ] && [ "$(od -An -c -j1 -N3 "$1" | tr -d ' ')" = PNG ]; }

echo "== /usr/bin/tern --version"
out=$(fresh /usr/bin/tern --version 2>&1) || fail "tern --version: $out"
echo "$out" | grep "$version" || fail "tern --version printed: $out"

echo "== tern --screenshot (the first start: the welcome page)"
fresh tern --screenshot "$home/welcome.png" >"$tmp/shot.log" 2>&1 || { cat "$tmp/shot.log"; fail "tern --screenshot"; }
is_png "$home/welcome.png" || fail "no PNG from tern --screenshot"
echo "welcome.png: $(du -h "$home/welcome.png" | cut -f1)"

echo "== tern --screenshot --prompt on the installed demo model"
model=/usr/share/tern/models/demo-ternary.gguf
fresh tern --screenshot "$home/chat.png" --prompt "What is a harbor?" "$model" >"$tmp/chat.log" 2>&1 ||
    { cat "$tmp/chat.log"; fail "tern --screenshot --prompt"; }
is_png "$home/chat.png" || fail "no PNG from tern --screenshot --prompt"
db=$home/.local/share/Tern/tern.sqlite
answers=$(sqlite3 "$db" "SELECT count(*) FROM messages WHERE role = 'assistant' AND content <> ''")
[ "$answers" -ge 1 ] || fail "the app stored no answer in $db"
echo "the app answered from $model and stored it in ~/.local/share/Tern/tern.sqlite"

echo "== tern-cli"
fresh tern-cli info "$model" >"$tmp/info.log" 2>&1 || { cat "$tmp/info.log"; fail "tern-cli info"; }
grep -m1 -i "arch" "$tmp/info.log" || true
fresh tern-cli generate -m "$model" --chat -p "What is a harbor?" --temp 0 -n 16 >"$tmp/gen.log" 2>&1 ||
    { cat "$tmp/gen.log"; fail "tern-cli generate"; }
man -w tern tern-cli >/dev/null || fail "man cannot find the tern and tern-cli pages"

echo "== apt-get remove tern"
apt remove tern >"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log"; fail "apt-get remove"; }
installed=""
grep -E "^Removing" "$tmp/remove.log" || true
if dpkg-query -W -f='${Status}' tern 2>/dev/null | grep -q "ok installed"; then fail "tern is still installed"; fi
[ ! -e /usr/bin/tern ] && [ ! -e /usr/bin/tern-cli ] && [ ! -e /usr/share/tern ] || fail "files of tern are left"

snapshot "$tmp/after"
# Anything new since before the install: dependencies apt pulled in (or another package someone
# installed meanwhile) belong to a package and are listed; anything else is left behind by tern.
leftover=""
for p in $(comm -13 "$tmp/before" "$tmp/after"); do
    if owner=$(dpkg-query -S "$p" 2>/dev/null); then
        echo "new, from another package: $owner"
    else
        leftover="$leftover $p"
    fi
done
[ -z "$leftover" ] || fail "left on the system after removal:$leftover"
[ -f "$db" ] || fail "the user's chats were removed with the package"
echo "ok: installed, ran and removed $(basename "$deb"); nothing left but the user's data in \$HOME"
