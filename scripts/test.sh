#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite, then (on x86-64) the NEON kernel tests cross-built
# for ARM under QEMU, then the engine suites again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then a short run of the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

# On an ARM machine the suite above already ran the NEON kernels natively.
if [ "$(uname -m)" = x86_64 ]; then
  if command -v aarch64-linux-gnu-g++ >/dev/null && command -v qemu-aarch64 >/dev/null; then
    ./scripts/test-arm64.sh
  else
    echo "test.sh: no aarch64 cross compiler or QEMU (setup.sh installs them on Debian): NEON kernel tests skipped"
  fi
fi

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_SANITIZE=ON -DTERN_BUILD_APP=OFF
cmake --build build-asan -j"$(nproc)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -L engine

# The libFuzzer targets (GGUF loader, tokenizers): a smoke run of a few seconds each on their seeds.
./scripts/fuzz.sh 5
