#!/usr/bin/env bash
# Cross-builds the SIMD kernel tests for 64-bit ARM and runs them under user-mode QEMU, so the NEON
# kernels are checked bit for bit against the scalar reference on an x86 machine. Builds only
# simd_kernels_test and qk_kernels_test (the Q4_K / Q5_K head kernels) and what they link (no app, no Vulkan) in build-arm64/. Needs the packages
# that scripts/setup.sh installs (g++-aarch64-linux-gnu, qemu-user, arm64 GoogleTest and spdlog).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "test-arm64: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done

jobs="$(nproc)"
cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-aarch64.cmake" \
  -DTERN_BUILD_APP=OFF -DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON
cmake --build build-arm64 -j"$jobs" --target simd_kernels_test qk_kernels_test
# Every case once, with the best kernel the emulated CPU offers (NEON); then the whole suite again
# with TERN_CPU_KERNEL=neon, which also fails if QEMU's CPU did not report the dot product.
ctest --test-dir build-arm64 --output-on-failure -j"$jobs" -R '^(simd|qk)_kernels_test\.'
