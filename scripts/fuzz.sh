#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each for SECONDS
# (default 600) on its corpus in build-fuzz/tests/fuzz/corpus, which grows from run to run.
# A finding stops that target and leaves its input as build-fuzz/tests/fuzz/crash-* (or leak-,
# timeout-, oom-); reproduce it with `build-fuzz/tests/fuzz/fuzz_gguf FILE`.
#   scripts/fuzz.sh            10 minutes each
#   scripts/fuzz.sh 5          the smoke run CI does (ctest -L fuzz in build-fuzz does the same)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DTERN_FUZZ=ON -DTERN_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)"  # the engine and the fuzz targets (fuzz_server_request with cpp-httplib)
ctest --test-dir build-fuzz --output-on-failure -L fuzz --timeout "$((seconds * 2 + 300))"
