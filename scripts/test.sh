#!/usr/bin/env bash
# Builds everything and runs the whole test suite: GoogleTest suites through CTest (two at a
# time), then each libFuzzer target for a fixed time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
ctest --preset default
bash scripts/fuzz.sh
