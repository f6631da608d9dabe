#!/usr/bin/env bash
# Install what is missing, build, and run every test suite through ctest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh"
cd "$ROOT/build"
ctest --output-on-failure -j "${JOBS:-$(nproc)}"
