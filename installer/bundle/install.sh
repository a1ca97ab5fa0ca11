#!/bin/sh
# Puts Tern from this folder into your application menu: a desktop entry and the icons under
# ~/.local/share (or $XDG_DATA_HOME), and the commands tern and tern-cli into ~/.local/bin.
# Nothing outside your home folder is touched and no root rights are needed.
#
#   ./install.sh              add them (run it again after moving this folder)
#   ./install.sh --uninstall  take them out again; your chats, settings and models stay
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bindir=$HOME/.local/bin
id=io.github.tern.Tern
entry=$data/applications/$id.desktop

icons() { (cd "$here/share/icons" && find hicolor -name "$id.*"); }

# Menus notice new desktop entries by themselves; icon themes look again when the folder changes.
# (update-desktop-database is not needed: it only caches MIME types, and Tern registers none.)
refresh() { touch "$data/icons/hicolor" 2>/dev/null || true; }

case "${1:-}" in
    --uninstall)
        rm -f "$entry"
        for icon in $(icons); do rm -f "$data/icons/$icon"; done
        for cmd in tern tern-cli; do
            # Only links into this bundle: a tern installed some other way stays.
            if [ "$(readlink "$bindir/$cmd" 2>/dev/null)" = "$here/$cmd" ]; then rm -f "$bindir/$cmd"; fi
        done
        refresh
        echo "Tern is out of the application menu. Your chats, settings and models are still in"
        echo "$data/Tern and ~/.config/Tern; delete them yourself if you want them gone."
        exit 0
        ;;
    "") ;;
    *)
        echo "usage: $0 [--uninstall]" >&2
        exit 2
        ;;
esac

# The entry names the launcher by its absolute path, in double quotes for spaces; characters that
# the Desktop Entry format would need escaped twice are refused rather than half-escaped.
case "$here" in
    *[\"\`\$\\]*)
        echo "install.sh: move this folder to a path without \" \` \$ or \\ first: $here" >&2
        exit 1
        ;;
esac

mkdir -p "$data/applications" "$bindir"
while IFS= read -r line; do
    case "$line" in
        Exec=*) echo "Exec=\"$here/tern\" %f" ;;
        TryExec=*) echo "TryExec=$here/tern" ;;
        *) echo "$line" ;;
    esac
done <"$here/share/applications/$id.desktop" >"$entry"

for icon in $(icons); do
    mkdir -p "$data/icons/$(dirname "$icon")"
    cp "$here/share/icons/$icon" "$data/icons/$icon"
done

for cmd in tern tern-cli; do
    if [ -e "$bindir/$cmd" ] && [ ! -L "$bindir/$cmd" ]; then
        echo "install.sh: $bindir/$cmd exists and is not a link; left alone" >&2
    else
        ln -sfn "$here/$cmd" "$bindir/$cmd"
    fi
done
refresh

echo "Tern is in your application menu (under Utilities / Accessories)."
echo "From a terminal: $bindir/tern, $bindir/tern-cli"
case ":$PATH:" in
    *":$bindir:"*) ;;
    *) echo "($bindir is not on your PATH; log out and in again, or add it.)" ;;
esac
