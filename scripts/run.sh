#!/usr/bin/env bash
# Sets up, builds and starts Tern on its bundled demo model (resources/models/demo-ternary.gguf, a
# small ternary model trained on WordNet: short dictionary-like answers): the desktop app when it
# was built (Qt 6 found) and a display is available, else the terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

# TERN_MODEL opens another file (the app's welcome page also downloads the official 2B4T model).
model="${TERN_MODEL:-resources/models/demo-ternary.gguf}"
if [ -x build/app/tern ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec ./build/app/tern "$model" "$@"
fi
exec ./build/engine/tern-cli chat -m "$model" "$@"
