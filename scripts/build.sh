#!/usr/bin/env bash
# Configures and builds the project in ./build (Release), then checks that LibTorch
# runs on OpenBLAS: the reference BLAS makes every model about 20x slower.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-$(nproc)}

cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
"$BUILD_DIR/edge-lam-blas-check"
