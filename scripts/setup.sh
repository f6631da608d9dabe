#!/usr/bin/env bash
# Installs the Debian packages the project needs, and only those that are missing.
# Idempotent: when everything is present it only runs dpkg-query and returns.
set -euo pipefail

PACKAGES=(
    build-essential cmake ccache pkg-config clang-format
    libns3-dev ns3 libgsl-dev
    libtorch-dev libopenblas0-pthread
    libgoogle-perftools-dev # tcmalloc for the LibTorch programs (CMakeLists.txt says why)
    libeigen3-dev libspdlog-dev
    python3 python3-numpy python3-matplotlib
    python3-torch # the PyTorch cross-check test and the Python side of bench-lam.sh
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#PACKAGES[@]} required packages are installed"
    exit 0
fi

echo "setup: installing missing packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "setup: error: not root and sudo is not available; ask an administrator to run:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
