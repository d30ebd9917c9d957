#!/usr/bin/env bash
# Installs the Debian packages stationd needs, then configures and builds the tree with the
# default CMake preset into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"
