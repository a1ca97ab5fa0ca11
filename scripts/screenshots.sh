#!/bin/sh
# The README's screenshot set: the chat answering with MODEL at 1320x820 (the default window) and
# at 1000x700, in light and dark, rendered offscreen by the app itself (tern --screenshot), each in
# a fresh home so no earlier chat or setting shows.
#   scripts/screenshots.sh BUILD_DIR MODEL.gguf OUT_DIR
set -eu
build=$1 model=$2 out=$3
mkdir -p "$out"
for size in 1320x820 1000x700; do
  for theme in light dark; do
    home=$(mktemp -d)
    HOME=$home XDG_RUNTIME_DIR=$home QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
      "$build/app/tern" --screenshot "$out/chat-$size-$theme.png" --size "$size" --theme "$theme" \
      --prompt "What is a ternary weight, in two sentences?" "$model"
    rm -rf "$home"
  done
done
