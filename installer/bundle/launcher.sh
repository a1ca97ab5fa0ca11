#!/bin/sh
# Starts the bundled program this launcher is named after (tern or tern-cli), also through a
# symbolic link such as the ones install.sh puts into ~/.local/bin.
#
# The programs find the bundle's libraries through their RPATH ($ORIGIN/../lib) and its plugins and
# QML modules through bin/qt.conf, so LD_LIBRARY_PATH is not needed and not set: programs that Tern
# starts (the browser opening a link in a chat) must not load this bundle's Qt. Qt search paths set
# by the desktop session are dropped for the same reason the other way round: plugins built for
# another Qt version can crash this one.
self=$(readlink -f "$0")
unset QT_PLUGIN_PATH QML_IMPORT_PATH QML2_IMPORT_PATH
exec "$(dirname "$self")/bin/$(basename "$self")" "$@"
