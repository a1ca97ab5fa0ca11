#!/usr/bin/env bash
# What scripts/train_demo/train.py needs, from Debian (not needed to build or test Tern: CI does
# not retrain; the trained files are committed).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
# libopenblas0-pthread: Debian's reference BLAS makes torch's matmuls ~30x slower.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  python3-torch python3-numpy python3-regex python3-matplotlib libopenblas0-pthread wordnet-base
