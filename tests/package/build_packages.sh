#!/bin/sh
# Makes both packages (the .deb and the portable tarball) with CPack into OUT, afresh.
#   build_packages.sh CPACK BUILD_DIR OUT
set -eu
cpack=$1
build=$2
out=$3
rm -rf "$out"
mkdir -p "$out"
if ! "$cpack" --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1; then
    cat "$out/cpack.log"
    echo "FAIL: cpack" >&2
    exit 1
fi
rm -rf "$out/_CPack_Packages"  # the staging trees: hundreds of MB
for f in "$out"/*.deb "$out"/*.tar.gz; do
    [ -f "$f" ] || { cat "$out/cpack.log"; echo "FAIL: cpack made no .deb or no .tar.gz" >&2; exit 1; }
    echo "$(basename "$f"): $(du -h "$f" | cut -f1)"
done
